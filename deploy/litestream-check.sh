#!/usr/bin/env bash
# Replicates a live Tribune database with Litestream to a file replica while comments arrive,
# restores the replica into a new file, and compares it with the original (docs/operations.md,
# "Continuous replication with Litestream"). Needs litestream, sqlite3 and curl on PATH.
#   deploy/litestream-check.sh [COMMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/tribune" ./cmd/tribune
db=$dir/tribune.db
"$dir/tribune" init --db "$db" >/dev/null
key=$("$dir/tribune" apikey create --db "$db" --name check | tail -n1)
cat >"$dir/litestream.yml" <<YML
dbs:
  - path: $db
    replica:
      type: file
      path: $dir/replica
YML
"$dir/tribune" serve --db "$db" --addr 127.0.0.1:18282 --quiet 2>"$dir/serve.log" &
pids+=($!)
litestream replicate -config "$dir/litestream.yml" 2>"$dir/litestream.log" &
pids+=($!)
api=http://127.0.0.1:18282/api/v1
for _ in $(seq 100); do curl -fsS http://127.0.0.1:18282/healthz >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X PUT "$api/articles/tram" -H "Authorization: Bearer $key" -d '{"title":"Tram line"}' >/dev/null
for i in $(seq "$n"); do
  curl -fsS -X POST "$api/comments" -H "Authorization: Bearer $key" \
    -d "{\"article_id\":\"tram\",\"author\":{\"id\":\"u$i\"},\"text\":\"Comment $i on the tram line.\"}" >/dev/null
done
sleep 3 # Litestream ships the WAL every second
kill -TERM "${pids[0]}"; wait "${pids[0]}" || true
sleep 3
kill -TERM "${pids[1]}"; wait "${pids[1]}" || true
pids=()
litestream restore -config "$dir/litestream.yml" -o "$dir/restored.db" "$db" 2>>"$dir/litestream.log"
for f in "$db" "$dir/restored.db"; do
  echo "$(basename "$f"): integrity $(sqlite3 "$f" 'PRAGMA integrity_check'), comments $(sqlite3 "$f" 'SELECT count(*) FROM comments'), events $(sqlite3 "$f" 'SELECT count(*) FROM events')"
done
if diff <(sqlite3 "$db" .dump) <(sqlite3 "$dir/restored.db" .dump) >/dev/null; then
  echo "the restored database is identical to the original (sqlite3 .dump)"
else
  echo "the restored database differs from the original:"
  diff <(sqlite3 "$db" .dump) <(sqlite3 "$dir/restored.db" .dump) | head -20
  exit 1
fi
