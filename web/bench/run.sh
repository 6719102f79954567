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
# cpu prints the server's user+system CPU time in clock ticks, to report CPU per request: on
# a shared machine that is steadier than requests/s.
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
hz=$(getconf CLK_TCK)
for path in /api/v1/comments /api/v1/score; do
  echo "== POST $path, $conns connections, $duration"
  before=$(cpu)
  out=$(TRIBUNE_PATH=$path wrk -t2 -c"$conns" -d"$duration" --latency -s web/bench/comments.lua http://127.0.0.1:18080 | tail -n1)
  after=$(cpu)
  echo "$out"
  n=$(echo "$out" | awk '{print $2}' | tr -d ,)
  awk -v t=$((after - before)) -v hz="$hz" -v n="$n" 'BEGIN { printf "server CPU: %.1f s, %.0f µs per request\n", t/hz, t/hz*1e6/n }'
done
uptime
echo "stored: $(curl -fsS http://127.0.0.1:18080/api/v1/articles/bench -H "Authorization: Bearer $key" | grep -o '"total":[0-9]*')"
