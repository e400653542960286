#!/usr/bin/env bash
# The Postman journeys with newman against a live jewel-crm: starts one on a
# fresh embedded database (tools/live/serve.sh; only the owner exists), runs
# the collection's Journeys folder with the local environment, and stops it.
#
#   tools/postman/run.sh BINARY [WORKDIR] [PORT]
#
# Needs the pinned Node tools: npm ci --prefix tools
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=$(dirname "$here")
openapi="$tools/../openapi"
binary=$(realpath "$1")
workdir=${2:-$(mktemp -d)}
port=${3:-18081}

rm -rf "$workdir"
"$tools/live/serve.sh" "$binary" "$workdir" "$port"
trap 'kill "$(cat "$workdir/server.pid")" 2>/dev/null || true' EXIT
"$tools/node_modules/.bin/newman" run "$openapi/jewel-crm.postman_collection.json" \
  --environment "$openapi/jewel-crm.postman_environment.json" \
  --env-var "baseUrl=http://127.0.0.1:$port" \
  --folder Journeys --color off --reporters cli
