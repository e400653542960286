#!/usr/bin/env bash
# Start jewel-crm on the embedded SQLite default in a fresh folder, with an
# owner account, and wait until it is ready. For the tools that test the
# running API (Schemathesis, newman, the Swagger UI browser test).
#
#   tools/live/serve.sh BINARY WORKDIR PORT
#
# Leaves the server running; its pid is in WORKDIR/server.pid and its log in
# WORKDIR/server.log. The owner is owner@example.com with the password in
# $LIVE_OWNER_PASSWORD (default "owner passphrase 2026").
set -euo pipefail
binary=$1 workdir=$2 port=$3
mkdir -p "$workdir"
export JEWEL_DATABASE__DATA_DIR="$workdir/data"
# The tools send thousands of requests from one address, some of them failed
# logins: lift the rate limits and the login lock-out for this server only.
export JEWEL_RATE_LIMIT__ANONYMOUS=100000000 JEWEL_RATE_LIMIT__STAFF=100000000 JEWEL_RATE_LIMIT__CLIENT=100000000
export JEWEL_AUTH__LOGIN_MAX_FAILURES=100000000
export JEWEL_OWNER_PASSWORD="${LIVE_OWNER_PASSWORD:-owner passphrase 2026}"
export RUST_LOG="${RUST_LOG:-warn}"
if curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then
  echo "something already answers on port $port; stop it or pick another port" >&2
  exit 1
fi
"$binary" migrate up >"$workdir/migrate.log" 2>&1
"$binary" create-owner --email owner@example.com --name "Owner" >>"$workdir/migrate.log" 2>&1
"$binary" serve --bind "127.0.0.1:$port" >"$workdir/server.log" 2>&1 &
echo $! >"$workdir/server.pid"
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
    echo "jewel-crm is ready on http://127.0.0.1:$port (pid $(cat "$workdir/server.pid"))"
    exit 0
  fi
  kill -0 "$(cat "$workdir/server.pid")" 2>/dev/null || break
  sleep 0.2
done
echo "jewel-crm did not become ready; its log:" >&2
cat "$workdir/server.log" >&2
exit 1
