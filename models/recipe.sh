#!/usr/bin/env bash
# Rebuild models/default.tribune exactly from ../shared/data: convert the permitted data sets
# (models/recipe/main.go documents the mapping) and train with fixed settings and seed.
#
# Usage: models/recipe.sh [OUT]     (default OUT: models/default.tribune)
# Environment: DATA (default ../shared/data), TRIBUNE (a prebuilt tribune binary; default:
# build ./cmd/tribune).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${DATA:-$ROOT/../shared/data}"
OUT="${1:-$ROOT/models/default.tribune}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
if [ -z "${TRIBUNE:-}" ]; then
  go build -o "$WORK/tribune" ./cmd/tribune
  TRIBUNE="$WORK/tribune"
fi
go run ./models/recipe -data "$DATA" -out "$WORK"
# Paths recorded in the model are the data set names, not this machine's temp folder.
"$TRIBUNE" train \
  --data "$WORK/tone.jsonl" --data "$WORK/stance.jsonl" --dev "$WORK/dev.jsonl" \
  --head stance --context stance \
  --chars split --sublinear=false --block-norm=false --idf --group-by text --context-words 0 --shared-words=false \
  --sources "civil_comments_toxic_span_types/train,kaggle_insults_social_commentary/train,davidson_hate_offensive/train,fox_news_comments_hate/train,arc_nyt_comments_stance/train,perspectrum_stance/train,ibm_claim_stance/train" \
  --min-count 5 --lambdas 3e-3,1e-3,3e-4,1e-4,3e-5 --max-iter 100 \
  --seed 1 --out "$OUT"
