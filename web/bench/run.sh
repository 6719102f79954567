#!/usr/bin/env bash
# Load benchmark of tribune serve on loopback with wrk (apt-get install wrk).
#   web/bench/run.sh [DURATION] [CONNECTIONS]
# Builds the binary, starts it on a fresh database in a temp dir with request logging off,
# creates an API key and the article "bench", then runs wrk against POST /api/v1/comments and
# POST /api/v1/score. TRIBUNE_MODEL selects a model file (default: the embedded one).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-20s}
conns=${2:-32}
dir=$(mktemp -d)
pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/tribune" ./cmd/tribune
key=$("$dir/tribune" apikey create --db "$dir/bench.db" --name bench | tail -n1)
# GOMAXPROCS is left alone: the server and wrk share the machine's cores.
"$dir/tribune" serve --addr 127.0.0.1:18080 --db "$dir/bench.db" --quiet 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 50); do curl -fsS http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break; sleep 0.1; done
grep -m1 model "$dir/serve.log" || true
curl -fsS -X PUT http://127.0.0.1:18080/api/v1/articles/bench -H "Authorization: Bearer $key" \
  -d '{"title":"Council approves the tram line budget","body":"The city council voted for the new tram line through the old town."}' >/dev/null
export TRIBUNE_KEY=$key
echo "== POST /api/v1/comments, $conns connections, $duration"
TRIBUNE_PATH=/api/v1/comments wrk -t2 -c"$conns" -d"$duration" --latency -s web/bench/comments.lua http://127.0.0.1:18080 | tail -n1
echo "== POST /api/v1/score, $conns connections, $duration"
TRIBUNE_PATH=/api/v1/score wrk -t2 -c"$conns" -d"$duration" --latency -s web/bench/comments.lua http://127.0.0.1:18080 | tail -n1
echo "stored: $(curl -fsS http://127.0.0.1:18080/api/v1/articles/bench -H "Authorization: Bearer $key" | grep -o '"total":[0-9]*')"
