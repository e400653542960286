#!/usr/bin/env bash
# An earlier commit measured the way bench/run.sh measures today, on the
# same machine, so that "x times faster than before" compares like with like:
#
#   bench/baseline.sh COMMIT [s|m|l]     # default m
#
# Builds COMMIT's release binary in a git worktree (its own target
# directory, $BASELINE_TARGET_DIR or target/baseline), then runs today's
# bench/run.sh with it on a fresh database jewel_bench_base_TIER (seeded by
# that binary, measured at rest, beside today's bench/bare). BENCH_ONLY as in
# run.sh, default "issue a bill". Results go to
# bench/results/baseline-SHORT/TIER.{json,md}.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?a commit to measure}
tier=${2:-m}
short=$(git rev-parse --short "$commit")
base_target=${BASELINE_TARGET_DIR:-$PWD/target/baseline}

tree=$(mktemp -d)
git worktree add --detach -q "$tree" "$commit"
trap 'git worktree remove --force "$tree"' EXIT
(cd "$tree" && CARGO_TARGET_DIR="$base_target" cargo build --release --locked --bin jewel-crm)

database="jewel_bench_base_$tier"
BENCH_BINARY="$base_target/release/jewel-crm" BENCH_DATABASE="$database" \
  BENCH_OUT="bench/results/baseline-$short" BENCH_ONLY="${BENCH_ONLY:-issue a bill}" \
  bench/run.sh "$tier"
mysql --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE $database"
