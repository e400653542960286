#!/usr/bin/env bash
# Benchmarks of jewel-crm on a seeded MariaDB (see bench/README.md):
#
#   bench/run.sh [s|m|l]          # default s
#
# Builds the release binary, seeds a fresh database jewel_bench_TIER on
# MariaDB at 127.0.0.1:3306, serves it pinned to one core and loads it with
# oha pinned to another, then writes bench/results/TIER.json and .md.
# BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_SERVER_CPU (0) and
# BENCH_LOAD_CPU (1) change the run; BENCH_SEED=0 measures the database
# seeded by an earlier run again (tier L takes long to seed); BENCH_ONLY=text
# measures only the endpoints whose name contains the text (into
# bench/results/partial). BENCH_BINARY (another build, which is then not
# built here), BENCH_DATABASE and BENCH_OUT are for bench/baseline.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
tier=${1:-s}
server_cpu=${BENCH_SERVER_CPU:-0}
load_cpu=${BENCH_LOAD_CPU:-1}
target=${CARGO_TARGET_DIR:-target}
oha=bench/.tools/bin/oha

# oha 1.16.0 from crates.io (its default rustls build needs no cmake).
[ -x "$oha" ] || cargo install oha --version 1.16.0 --locked --root bench/.tools
[ -n "${BENCH_BINARY:-}" ] || cargo build --release --locked --bin jewel-crm
cargo build --release --locked -p jewel-bench-bare
binary=${BENCH_BINARY:-$target/release/jewel-crm}
out=${BENCH_OUT:-bench/results${BENCH_ONLY:+/partial}}

database=${BENCH_DATABASE:-jewel_bench_$tier}
# MariaDB's default 128 MiB buffer pool holds tier S; M and L thrash in it.
# Its default 96 MiB redo log fills within seconds of issuing bills on a
# database this size, and every write then waits for pages to be flushed
# (stalls of 30-70 ms seen in the slow log); 1 GiB (dynamic since 10.11).
if [ "$tier" != s ]; then
  mysql --protocol=tcp -h 127.0.0.1 -uroot -e "SET GLOBAL innodb_buffer_pool_size = 4294967296; SET GLOBAL innodb_log_file_size = 1073741824"
fi
if [ "${BENCH_SEED:-1}" = 1 ]; then
  mysql --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $database; CREATE DATABASE $database"
fi
export JEWEL_DATABASE__URL="mysql://root@127.0.0.1:3306/$database"
export RUST_LOG=warn
# One address sends every request: lift the rate limits for this server.
export JEWEL_RATE_LIMIT__ANONYMOUS=1000000000 JEWEL_RATE_LIMIT__STAFF=1000000000 JEWEL_RATE_LIMIT__CLIENT=1000000000
mkdir -p "$out"
if [ "${BENCH_SEED:-1}" = 1 ]; then
  /usr/bin/time -f "seed took %e s, peak memory %M KiB" \
    taskset -c "$server_cpu" "$binary" seed --tier "$tier" --seed 1 2>&1 | tee "$out/seed-$tier.txt"
fi

# Measure the database at rest: what the seed wrote is flushed and purged
# first (otherwise the first endpoints measured share the disk and a core
# with MariaDB catching up: p99s of hundreds of ms seen at M).
sql() { mysql --protocol=tcp -h 127.0.0.1 -uroot -N -e "$1"; }
dirty_pct=$(sql "SELECT @@innodb_max_dirty_pages_pct")
sql "SET GLOBAL innodb_max_dirty_pages_pct = 0"
for _ in $(seq 1 600); do
  dirty=$(sql "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)
  history=$(sql "SHOW ENGINE INNODB STATUS" | grep -o 'History list length [0-9]*' | grep -o '[0-9]*$')
  [ "$dirty" -lt 1000 ] && [ "${history:-0}" -lt 1000 ] && break
  sleep 1
done
sql "SET GLOBAL innodb_max_dirty_pages_pct = $dirty_pct"
echo "MariaDB at rest: $dirty dirty pages, history list length ${history:-?}"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) bare_port=$(free_port)
taskset -c "$server_cpu" "$binary" serve --bind "127.0.0.1:$port" >"$out/server-$tier.log" 2>&1 &
server=$!
# The limits: the same actix-web and sqlx with nothing of ours, on the same core.
taskset -c "$server_cpu" "$target/release/jewel-bench-bare" "127.0.0.1:$bare_port" "$JEWEL_DATABASE__URL" &
bare=$!
trap 'kill "$server" "$bare" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 \
    && curl -fsS "http://127.0.0.1:$bare_port/json" >/dev/null 2>&1 && break
  sleep 0.2
done
python3 bench/measure.py --url "http://127.0.0.1:$port" --bare "http://127.0.0.1:$bare_port" \
  --pid "$server" --tier "$tier" \
  --oha "$oha" --load-cpu "$load_cpu" --duration "${BENCH_DURATION:-10s}" \
  --connections "${BENCH_CONNECTIONS:-32}" --only "${BENCH_ONLY:-}" \
  --out "$out"
