#!/usr/bin/env bash
# Throughput while Redis is down (see bench/README.md, "Redis outage"):
#
#   bench/outage.sh
#
# Seeds tier S on MariaDB (database jewel_bench_outage), starts a private
# Redis and the release server on it (pinned to one core, oha on another),
# and measures customer by id three times: with Redis up, with Redis hung
# (SIGSTOP: a call would wait for its timeout) and with Redis gone (killed).
# Writes bench/results/outage.json and .md. BENCH_DURATION (10s) changes
# the length of each run.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
oha=bench/.tools/bin/oha
[ -x "$oha" ] || cargo install oha --version 1.16.0 --locked --root bench/.tools
cargo build --release --locked --bin jewel-crm
binary="$target/release/jewel-crm"

database=jewel_bench_outage
mysql --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $database; CREATE DATABASE $database"
export JEWEL_DATABASE__URL="mysql://root@127.0.0.1:3306/$database"
export JEWEL_DATABASE__DATA_DIR=$(mktemp -d)
export RUST_LOG=warn
export JEWEL_RATE_LIMIT__ANONYMOUS=1000000000 JEWEL_RATE_LIMIT__STAFF=1000000000 JEWEL_RATE_LIMIT__CLIENT=1000000000
taskset -c 0 "$binary" seed --tier S --seed 1 >/dev/null

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port) port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null &
redis=$!
REDIS_URL="redis://127.0.0.1:$redis_port" taskset -c 0 "$binary" serve --bind "127.0.0.1:$port" >bench/results/server-outage.log 2>&1 &
server=$!
trap 'kill -CONT "$redis" 2>/dev/null || true; kill "$server" "$redis" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health/ready" 2>/dev/null | grep -q '"status":"ok"' && break
  sleep 0.2
done
python3 bench/outage.py --url "http://127.0.0.1:$port" --pid "$server" --redis-pid "$redis" \
  --redis-port "$redis_port" --oha "$oha" --duration "${BENCH_DURATION:-10s}" --out bench/results
