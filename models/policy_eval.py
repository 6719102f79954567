#!/usr/bin/env python3
"""Measure a hold policy on dev splits scored by `tribune score`.

For each data set: the share of comments held, the share of positive (toxic) comments let
through, and the share of negative (civil) comments held, under the given hold thresholds.

    models/policy_eval.sh            # scores the dev splits with the embedded model, then runs this
"""
import json
import sys

SETS = [  # (folder, positive label)
    ("kaggle_insults_social_commentary", "insult"),
    ("tweeteval_offensive_olid", "offensive"),
    ("civil_comments_toxic_span_types", "toxic"),
]


def main(scored_dir, thresholds):
    hold = dict(kv.split("=") for kv in thresholds.split(","))
    hold = {k: float(v) for k, v in hold.items()}
    print("| dev split | comments held | toxic comments let through | civil comments held |")
    print("| --- | --- | --- | --- |")
    for name, pos in SETS:
        rows = [json.loads(line) for line in open(f"{scored_dir}/{name}.jsonl")]
        held = lambda o: any(o["scores"][a] >= t for a, t in hold.items())
        p = [o for o in rows if o["label"] == pos]
        n = [o for o in rows if o["label"] != pos]
        print(f"| {name} | {sum(map(held, rows)) / len(rows):.1%} "
              f"| {sum(1 for o in p if not held(o)) / len(p):.1%} "
              f"| {sum(1 for o in n if held(o)) / len(n):.1%} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
