#!/usr/bin/env bash
# Swagger UI in a real browser against a live jewel-crm: starts one on a
# fresh embedded database, seeds it (tools/live), runs check.mjs in headless
# Chromium and stops the server. The screenshot goes to SCREENSHOT.
#
#   tools/swagger-ui/run.sh BINARY SCREENSHOT.png [WORKDIR] [PORT]
#
# Needs Chromium ($CHROMIUM, or Debian's: apt-get install chromium) and the
# pinned Node tools (npm ci --prefix tools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=$(dirname "$here")
binary=$(realpath "$1")
screenshot=$2
workdir=${3:-$(mktemp -d)}
port=${4:-18082}
url="http://127.0.0.1:$port"

rm -rf "$workdir"
mkdir -p "$(dirname "$screenshot")"
"$tools/live/serve.sh" "$binary" "$workdir" "$port"
trap 'kill "$(cat "$workdir/server.pid")" 2>/dev/null || true' EXIT
python3 "$tools/live/seed.py" "$url" "$workdir" >/dev/null
# shellcheck disable=SC1091
. "$workdir/seed.env"
node "$here/check.mjs" "$url" "$LIVE_OWNER_EMAIL" "$LIVE_OWNER_PASSWORD" "$screenshot"
