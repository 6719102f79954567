#!/usr/bin/env python3
"""The obvious peer of Tribune's default model (issue 9): one scikit-learn TF-IDF logistic
regression per tone head (word 1-2-grams and character 2-5-grams, sublinear tf, min_df 2,
liblinear, C=4 as ../shared/bench's sk_lr), trained on the same rows as the default model
(models/recipe output, same label mapping), then scored on the same zero-shot sets as
models/zeroshot. Prints a Markdown table of ROC AUC per set.

Usage: /usr/bin/python3 models/peer.py RECIPE_DIR [DATA_DIR]
  RECIPE_DIR holds tone.jsonl from `go run ./models/recipe -out RECIPE_DIR`.
Needs Debian's python3-sklearn.
"""
import json
import sys
import time

from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

HEADS = ["toxicity", "insult", "threat", "identity_attack", "profanity"]

# (set, split, gold, head, positive(row) -> bool or None when unlabeled); as models/zeroshot.
def label(*want):
    return lambda r: r.get("label") in want

def attr(name):
    return lambda r: None if name not in (r.get("labels") or {}) else r["labels"][name] == 1

EVALS = [
    ("ucc_unhealthy_comments", "dev", "unhealthy", "toxicity", attr("unhealthy")),
    ("ucc_unhealthy_comments", "dev", "hostile", "insult", attr("hostile")),
    ("tweeteval_offensive_olid", "dev", "offensive", "toxicity", label("offensive")),
    ("tweeteval_hate_hateval", "dev", "hate", "identity_attack", label("hate")),
    ("ethos_hate_speech", "train", "hate", "identity_attack", label("hate")),
    ("sfu_constructiveness_toxicity", "train", "toxic or very_toxic", "toxicity", label("toxic", "very_toxic")),
    ("gab_hate_corpus", "dev", "cv", "threat", attr("cv")),
    ("gab_hate_corpus", "dev", "hate", "identity_attack", attr("hate")),
    ("gab_hate_corpus", "dev", "vo", "profanity", attr("vo")),
    ("kaggle_insults_social_commentary", "dev", "insult", "insult", label("insult")),
]


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    recipe = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else "../shared/data"
    rows = read(recipe + "/tone.jsonl")
    t0 = time.time()
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, lowercase=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, lowercase=True)
    texts = [r["text"] for r in rows]
    X = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    print(f"vectorized {len(rows)} rows, {X.shape[1]} features in {time.time()-t0:.0f}s", file=sys.stderr)
    clfs = {}
    for h in HEADS:
        idx = [i for i, r in enumerate(rows) if h in r["labels"]]
        y = [rows[i]["labels"][h] for i in idx]
        t1 = time.time()
        clf = LogisticRegression(C=4, solver="liblinear", max_iter=1000)
        clf.fit(X[idx], y)
        clfs[h] = clf
        print(f"head {h}: {len(idx)} rows, fitted in {time.time()-t1:.0f}s", file=sys.stderr)
    print(f"trained in {time.time()-t0:.0f}s", file=sys.stderr)
    print("| set (split) | gold | head | n | peer ROC AUC |")
    print("| --- | --- | --- | --- | --- |")
    cache = {}
    for s, split, gold, head, pos in EVALS:
        key = (s, split)
        if key not in cache:
            er = read(f"{data}/{s}/{split}.jsonl")
            et = [r["text"] for r in er]
            cache[key] = (er, hstack([word.transform(et), char.transform(et)]).tocsr())
        er, EX = cache[key]
        ys, keep = [], []
        for i, r in enumerate(er):
            p = pos(r)
            if p is not None:
                ys.append(1 if p else 0)
                keep.append(i)
        sc = clfs[head].predict_proba(EX[keep])[:, 1]
        print(f"| {s} ({split}) | {gold} | {head} | {len(ys)} | {roc_auc_score(ys, sc):.3f} |")


if __name__ == "__main__":
    main()
