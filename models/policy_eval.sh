#!/usr/bin/env bash
# Scores three tone dev splits with a model (default: the embedded one) and reports what a hold
# policy does to them: the measurements behind the default policy in README.md.
#
# Usage: models/policy_eval.sh [THRESHOLDS] [MODEL]
#   THRESHOLDS default: the default policy's hold thresholds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${DATA:-$ROOT/../shared/data}"
THRESHOLDS="${1:-toxicity=0.90,insult=0.70,threat=0.50,identity_attack=0.50,profanity=0.50}"
MODEL="${2:-}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
go build -o "$WORK/tribune" ./cmd/tribune
for s in kaggle_insults_social_commentary tweeteval_offensive_olid civil_comments_toxic_span_types; do
  "$WORK/tribune" score ${MODEL:+--model "$MODEL"} --in "$DATA/$s/dev.jsonl" > "$WORK/$s.jsonl"
done
python3 "$ROOT/models/policy_eval.py" "$WORK" "$THRESHOLDS"
