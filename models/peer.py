#!/usr/bin/env python3
"""The obvious peer of Tribune's default model (issue 9): one scikit-learn TF-IDF logistic
regression per tone head (word 1-2-grams and character 2-5-grams, sublinear tf, min_df 2,
liblinear, C=4 as ../shared/bench's sk_lr), trained on the same rows as the default model
(models/recipe output, same label mapping), then scored on the same zero-shot sets as
models/zeroshot. Prints a Markdown table of ROC AUC per set.

Usage: /usr/bin/python3 models/peer.py RECIPE_DIR [DATA_DIR] [--compare TRIBUNE [MODEL]]
  RECIPE_DIR holds tone.jsonl from `go run ./models/recipe -out RECIPE_DIR`.
  --compare scores the same rows with `TRIBUNE score` (the embedded default model, or MODEL)
  and adds ours, ours - peer and a paired bootstrap of that difference (1,000 resamples of the
  rows, seed 1): its 95% interval and how often ours is ahead.
Needs Debian's python3-sklearn.
"""
import json
import subprocess
import sys
import time

import numpy as np

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


def ours_scores(tribune, model, path):
    """The default (or given) model's scores of every row of path, one dict per row."""
    cmd = [tribune, "score", "--in", path] + (["--model", model] if model else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line)["scores"] for line in out.splitlines()]


def paired_bootstrap(y, ours, peer, reps=1000, seed=1):
    """95% interval of AUC(ours) - AUC(peer) over resampled rows, and the share of resamples
    in which ours is ahead."""
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(reps):
        i = rng.integers(0, len(y), len(y))
        if 0 < y[i].sum() < len(i):
            diffs.append(roc_auc_score(y[i], ours[i]) - roc_auc_score(y[i], peer[i]))
    diffs = np.array(diffs)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return lo, hi, float(np.mean(diffs > 0))


def main():
    args = sys.argv[1:]
    compare, model = None, None
    if "--compare" in args:
        k = args.index("--compare")
        rest = args[k + 1:]
        compare = rest[0]
        model = rest[1] if len(rest) > 1 else None
        args = args[:k]
    recipe = args[0]
    data = args[1] if len(args) > 1 else "../shared/data"
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
    if compare:
        print("| set (split) | gold | head | n | positives | peer | ours | ours - peer | 95% interval | ours ahead |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    else:
        print("| set (split) | gold | head | n | peer ROC AUC |")
        print("| --- | --- | --- | --- | --- |")
    ours_cache = {}
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
        if not compare:
            print(f"| {s} ({split}) | {gold} | {head} | {len(ys)} | {roc_auc_score(ys, sc):.3f} |")
            continue
        if key not in ours_cache:
            ours_cache[key] = ours_scores(compare, model, f"{data}/{s}/{split}.jsonl")
        o = np.array([ours_cache[key][i][head] for i in keep])
        y = np.array(ys)
        peer_auc, ours_auc = roc_auc_score(ys, sc), roc_auc_score(ys, o)
        lo, hi, ahead = paired_bootstrap(y, o, np.array(sc))
        print(f"| {s} ({split}) | {gold} | {head} | {len(ys)} | {int(y.sum())} | {peer_auc:.3f} | {ours_auc:.3f} | "
              f"{ours_auc - peer_auc:+.3f} | [{lo:+.3f}, {hi:+.3f}] | {ahead:.2f} |")


if __name__ == "__main__":
    main()
