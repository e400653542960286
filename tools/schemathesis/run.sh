#!/usr/bin/env bash
# Schemathesis against a live jewel-crm: starts one on a fresh embedded
# database, seeds it over the API (tools/live), runs the customers' own
# operations as a customer (customers.toml), then every other operation as
# the staff (schemathesis.toml), then again as a sales person with another
# branch's sales person as the peer (branch-scope.toml), and stops the server. Exits non-zero on any
# failure; prints how many operations and cases each run tested.
#
#   tools/schemathesis/run.sh BINARY [WORKDIR] [PORT]
#
# With SCHEMATHESIS_SEED set, every pass uses that seed instead of the fixed
# one in the configurations, and SCHEMATHESIS_MAX_EXAMPLES (default 3)
# examples per operation: the short run .ci/run makes with a seed of the day.
#
# Needs the pinned Schemathesis in tools/.venv:
#   python3 -m venv tools/.venv
#   tools/.venv/bin/pip install --require-hashes -r tools/requirements.txt
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=$(dirname "$here")
binary=$(realpath "$1")
workdir=${2:-$(mktemp -d)}
port=${3:-18080}
url="http://127.0.0.1:$port"

rm -rf "$workdir"
mkdir -p "$workdir"
"$tools/live/serve.sh" "$binary" "$workdir" "$port"
trap 'kill "$(cat "$workdir/server.pid")" 2>/dev/null || true' EXIT
python3 "$tools/live/seed.py" "$url" "$workdir"

fresh=()
if [ -n "${SCHEMATHESIS_SEED:-}" ]; then
  fresh=(--seed "$SCHEMATHESIS_SEED" --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-3}")
  echo "Schemathesis with seed $SCHEMATHESIS_SEED (replay: SCHEMATHESIS_SEED=$SCHEMATHESIS_SEED $0 BINARY)"
fi
export LIVE_DIR=$workdir SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
own='^/api/v1/me(/|$)'
status=0
run() {
  local name=$1 config=$2
  shift 2
  local log="$workdir/schemathesis-$name.log" failed=0
  echo "==> Schemathesis: $name"
  (cd "$here" && "$tools/.venv/bin/st" --config-file "$config" run "$tools/../openapi/openapi.json" \
    --url "$url" --no-color ${fresh[@]+"${fresh[@]}"} "$@") >"$log" 2>&1 || failed=1
  # The summary, and every failure in full when there is one.
  if [ "$failed" -ne 0 ]; then cat "$log"; status=1; else sed -n '/= SUMMARY =/,$p' "$log"; fi
  local operations cases
  operations=$(grep -m1 -E '^\s+Tested: [0-9]+' "$log" | grep -oE '[0-9]+' || echo 0)
  cases=$(grep -m1 -oE '[0-9]+ generated' "$log" | grep -oE '[0-9]+' || echo 0)
  echo "Schemathesis ($name): $operations operations, $cases cases tested"
}
run customers customers.toml --include-path-regex "$own"
run staff schemathesis.toml --exclude-path-regex "$own"
run branch-scope branch-scope.toml --exclude-path-regex "$own"
if [ "$status" -ne 0 ]; then
  echo "Schemathesis found failures; the server's log is $workdir/server.log" >&2
fi
exit "$status"
