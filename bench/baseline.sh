#!/usr/bin/env bash
# An earlier commit measured the way bench/run.sh measures today, on the
# same machine, so that "x times faster than before" compares like with like:
#
#   bench/baseline.sh COMMIT [s|m|l]     # default m
#
# Builds COMMIT's release binary in a git worktree (its own target
# directory, $BASELINE_TARGET_DIR or target/baseline), seeds a fresh
# jewel_bench_base_TIER with it, serves it on one core beside today's
# bench/bare, and drives it with today's measure.py (BENCH_ONLY as in
# run.sh, default "issue a bill"). Results go to
# bench/results/baseline-SHORT/TIER.{json,md}.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?a commit to measure}
tier=${2:-m}
short=$(git rev-parse --short "$commit")
root=$PWD
target=${CARGO_TARGET_DIR:-target}
base_target=${BASELINE_TARGET_DIR:-$root/target/baseline}
oha=bench/.tools/bin/oha
[ -x "$oha" ] || cargo install oha --version 1.16.0 --locked --root bench/.tools
cargo build --release --locked -p jewel-bench-bare

tree=$(mktemp -d)
git worktree add --detach -q "$tree" "$commit"
trap 'git worktree remove --force "$tree"' EXIT
(cd "$tree" && CARGO_TARGET_DIR="$base_target" cargo build --release --locked --bin jewel-crm)
binary="$base_target/release/jewel-crm"

database="jewel_bench_base_$tier"
sql() { mysql --protocol=tcp -h 127.0.0.1 -uroot -N -e "$1"; }
[ "$tier" != s ] && sql "SET GLOBAL innodb_buffer_pool_size = 4294967296; SET GLOBAL innodb_log_file_size = 1073741824"
sql "DROP DATABASE IF EXISTS $database; CREATE DATABASE $database"
export JEWEL_DATABASE__URL="mysql://root@127.0.0.1:3306/$database" RUST_LOG=warn
export JEWEL_RATE_LIMIT__ANONYMOUS=1000000000 JEWEL_RATE_LIMIT__STAFF=1000000000 JEWEL_RATE_LIMIT__CLIENT=1000000000
/usr/bin/time -f "seed took %e s" taskset -c 0 "$binary" seed --tier "$tier" --seed 1

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) bare_port=$(free_port)
taskset -c 0 "$binary" serve --bind "127.0.0.1:$port" >"$tree/server.log" 2>&1 &
server=$!
taskset -c 0 "$target/release/jewel-bench-bare" "127.0.0.1:$bare_port" "$JEWEL_DATABASE__URL" &
bare=$!
trap 'kill "$server" "$bare" 2>/dev/null || true; git worktree remove --force "$tree"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 \
    && curl -fsS "http://127.0.0.1:$bare_port/json" >/dev/null 2>&1 && break
  sleep 0.2
done
python3 bench/measure.py --url "http://127.0.0.1:$port" --bare "http://127.0.0.1:$bare_port" \
  --pid "$server" --tier "$tier" --oha "$oha" --load-cpu 1 --duration "${BENCH_DURATION:-10s}" \
  --connections "${BENCH_CONNECTIONS:-32}" --only "${BENCH_ONLY:-issue a bill}" \
  --out "bench/results/baseline-$short"
sql "DROP DATABASE $database"
