#!/usr/bin/env bash
# A 100,000-row customer import job, timed (see bench/README.md, "Import
# jobs"):
#
#   bench/import.sh
#
# Builds the release binary, then on each engine (the embedded SQLite
# default in a fresh folder, and a fresh MariaDB database
# jewel_bench_import at 127.0.0.1:3306) makes an owner, serves it pinned to
# one core, uploads 100,000 generated customers (2 of every 1,000 rows bad)
# as one CSV part, closes the upload and polls the job until it ends.
# Writes bench/results/import.json and .md. BENCH_ROWS (100000) changes the
# size.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
[ -n "${BENCH_BINARY:-}" ] || cargo build --release --locked --bin jewel-crm
binary=${BENCH_BINARY:-$target/release/jewel-crm}
rows=${BENCH_ROWS:-100000}
mkdir -p bench/results
export RUST_LOG=warn JEWEL_OWNER_PASSWORD="bench passphrase 2026"
export JEWEL_RATE_LIMIT__ANONYMOUS=1000000000 JEWEL_RATE_LIMIT__STAFF=1000000000
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

runs=$(mktemp -d)
results=()
for engine in sqlite mariadb; do
  data=$(mktemp -d)
  export JEWEL_DATABASE__DATA_DIR="$data"
  if [ "$engine" = mariadb ]; then
    mysql --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS jewel_bench_import; CREATE DATABASE jewel_bench_import"
    export JEWEL_DATABASE__URL="mysql://root@127.0.0.1:3306/jewel_bench_import"
  else
    unset JEWEL_DATABASE__URL
  fi
  "$binary" create-owner --email owner@bench.example --name "Bench Owner" >/dev/null
  port=$(free_port)
  taskset -c 0 "$binary" serve --bind "127.0.0.1:$port" >"bench/results/server-import-$engine.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
  taskset -c 1 python3 bench/import.py --url "http://127.0.0.1:$port" --rows "$rows" \
    --engine "$engine" --out "$runs/import-$engine.json"
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$data"
  results+=("$runs/import-$engine.json")
done
python3 bench/import.py --report "${results[@]}" --out bench/results/import
