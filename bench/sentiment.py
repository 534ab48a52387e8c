"""The sentiment model (kb.sentiment) on public Chinese sentiment sets, evaluation only.

The sets come from the ChineseNlpCorpus collection (CSV ``label,review``, 1 positive, 0
negative): ChnSentiCorp_htl_all.csv (hotel reviews) and waimai_10k.csv (food delivery
reviews). They are not kept in this repository: give their folder.

Usage (from the project root):
    .venv/bin/python bench/sentiment.py --data /path/to/zh_sentiment [--rows 2000]

The model has three labels; the sets two. Reported: accuracy of "negative" against "not
negative" (positive or neutral), and how the reviews spread over the three labels.
"""

import argparse
import csv
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--rows", type=int, default=2000, help="a random sample of each set")
    options = parser.parse_args()
    from kb.sentiment import NEGATIVE, sentiments

    for name in ("ChnSentiCorp_htl_all.csv", "waimai_10k.csv"):
        with (Path(options.data) / name).open(encoding="utf-8") as handle:
            rows = [(row["review"], row["label"]) for row in csv.DictReader(handle) if row.get("review")]
        rows = random.Random(0).sample(rows, min(options.rows, len(rows)))
        started = time.perf_counter()
        predicted = sentiments([text for text, _label in rows])
        elapsed = time.perf_counter() - started
        right = sum((p.label == NEGATIVE) == (label == "0") for p, (_text, label) in zip(predicted, rows, strict=True))
        spread = Counter((label, p.label) for p, (_text, label) in zip(predicted, rows, strict=True))
        print(
            f"{name}: {len(rows)} reviews, negative vs not: accuracy {right / len(rows):.3f} "
            f"({elapsed / len(rows) * 1000:.1f} ms per review)"
        )
        for gold in ("0", "1"):
            counts = {label: spread[(gold, label)] for label in ("negative", "neutral", "positive")}
            print(f"  labelled {'negative' if gold == '0' else 'positive'}: predicted {counts}")


if __name__ == "__main__":
    main()
