#!/usr/bin/env bash
# Normal comment traffic with and without an attack, on loopback:
#   web/bench/attack.sh [PHASE] [RATE]
# Builds tribune, starts it on a fresh database, creates the site's key, an attacker's
# score-only key (a leaked Coral key) and an admin, then runs web/bench/attack: PHASE of
# comments at RATE per second alone, then PHASE more while 16 loops guess passwords and 4
# send maximal Perspective requests. Prints p50/p99 of the normal traffic in both phases.
set -euo pipefail
cd "$(dirname "$0")/../.."
phase=${1:-15s}
rate=${2:-40}
dir=$(mktemp -d)
pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/tribune" ./cmd/tribune
go build -o "$dir/attack" ./web/bench/attack
key=$("$dir/tribune" apikey create --db "$dir/bench.db" --name site | tail -n1)
akey=$("$dir/tribune" apikey create --db "$dir/bench.db" --name leaked --scope score | tail -n1)
printf 'a long admin password\n' | "$dir/tribune" moderator add --db "$dir/bench.db" --name admin --role admin >/dev/null
"$dir/tribune" serve --addr 127.0.0.1:18080 --db "$dir/bench.db" --quiet 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 50); do curl -fsS http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X PUT http://127.0.0.1:18080/api/v1/articles/bench -H "Authorization: Bearer $key" \
  -d '{"title":"Council approves the tram line budget","body":"The city council voted for the new tram line through the old town."}' >/dev/null
"$dir/attack" -url http://127.0.0.1:18080 -key "$key" -attack-key "$akey" -rate "$rate" -phase "$phase" -pid "$pid"
uptime
