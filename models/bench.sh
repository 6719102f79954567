#!/usr/bin/env bash
# Train a Tribune model on every data set of ../shared/bench/results-dev/SUMMARY.md with
# `tribune train` (train.jsonl only), score dev.jsonl with `tribune score`, convert the output to
# bench/metrics.py's prediction format and score it with the same options as bench/run_all.sh's
# options_for. Prints a table of ours beside the best baseline per metric.
#
# Usage: models/bench.sh [--only a,b] [--out DIR] [-- tribune train flags replacing the defaults]
# Environment: DATA (default ../shared/data), BENCH (default ../shared/bench), PY (python3),
# TRIBUNE (a prebuilt tribune binary; default: build ./cmd/tribune).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${DATA:-$ROOT/../shared/data}"
BENCH="${BENCH:-$ROOT/../shared/bench}"
PY="${PY:-python3}"
OUT=""
ONLY=""
# One fixed setting for every data set: `tribune train`'s defaults, nothing else (the defaults
# are the setting we know to be best; see models/README.md).
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
[ -d "$DATA" ] || { echo "bench.sh: no data folder $DATA" >&2; exit 2; }

SETS="civil_comments_toxic_span_types kaggle_insults_social_commentary perspectrum_stance
rumoureval2017_reply_stance semeval2016_task6_stance tweeteval_hate_hateval tweeteval_offensive_olid"

# Options as in bench/run_all.sh options_for; stance sets are scored against their context.
metric_opts() {
  case "$1" in
    civil_comments_toxic_span_types)  echo "--positive toxic" ;;
    kaggle_insults_social_commentary) echo "--positive insult" ;;
    perspectrum_stance)               echo "--positive support" ;;
    rumoureval2017_reply_stance)      echo "" ;;
    semeval2016_task6_stance)         echo "--favg favor,against" ;;
    tweeteval_hate_hateval)           echo "--positive hate" ;;
    tweeteval_offensive_olid)         echo "--positive offensive" ;;
  esac
}
uses_context() {
  case "$1" in perspectrum_stance|rumoureval2017_reply_stance|semeval2016_task6_stance) return 0 ;; esac
  return 1
}

if [ -n "${TRIBUNE:-}" ]; then
  T="$TRIBUNE"
else
  (cd "$ROOT" && go build -o "$OUT/tribune" ./cmd/tribune)
  T="$OUT/tribune"
fi
printf '%-34s %8s %8s %8s | %8s %8s %8s\n' "data set" "ours F1" "ours AUC" "ours Favg" "best F1" "best AUC" "best Favg"
for s in $SETS; do
  if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$s,"* ]]; then continue; fi
  D="$DATA/$s"
  ctx=()
  if uses_context "$s"; then ctx=(--context label); fi
  "$T" train --data "$D/train.jsonl" --heads label "${ctx[@]}" --seed 1 --out "$OUT/$s.tribune" \
    ${EXTRA[@]+"${EXTRA[@]}"} >"$OUT/$s.train.log" 2>&1
  "$T" score --model "$OUT/$s.tribune" --in "$D/dev.jsonl" --decisions >"$OUT/$s.scored.jsonl"
  # tribune score output -> {"scores": {class: p}, "label": decided class}
  "$PY" -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print(json.dumps({"scores": o["scores"]["label"], "label": o["decisions"]["label"]}))
' <"$OUT/$s.scored.jsonl" >"$OUT/$s.pred.jsonl"
  # shellcheck disable=SC2046
  "$PY" "$BENCH/metrics.py" --gold "$D/dev.jsonl" --pred "$OUT/$s.pred.jsonl" $(metric_opts "$s") \
    --out "$OUT/$s.metrics.json" 2>/dev/null
  "$PY" - "$OUT/$s.metrics.json" "$BENCH/results-dev/$s.json" "$s" <<'PYEOF'
import json, sys
ours = json.load(open(sys.argv[1]))
base = json.load(open(sys.argv[2]))["systems"]
def best(key):
    vals = [(v["metrics"].get(key), k) for k, v in base.items() if v.get("metrics", {}).get(key) is not None]
    return max(vals) if vals else (None, "")
def f(x):
    return "%8.4f" % x if x is not None else "%8s" % "-"
bf, bfs = best("macro_f1"); ba, bas = best("auc"); bv, bvs = best("favg")
print("%-34s %s %s %s | %s %s %s  (%s)" % (sys.argv[3], f(ours.get("macro_f1")), f(ours.get("auc")),
      f(ours.get("favg")), f(bf), f(ba), f(bv), ",".join(sorted({bfs, bas, bvs} - {""}))))
PYEOF
done
echo "outputs in $OUT"
