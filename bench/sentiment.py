"""The sentiment model (kb.sentiment) on public Chinese sentiment sets, evaluation only.

The sets come from the ChineseNlpCorpus collection (CSV ``label,review``, 1 positive, 0
negative): ChnSentiCorp_htl_all.csv (hotel reviews) and waimai_10k.csv (food delivery
reviews). They are not kept in this repository: give their folder.

Usage (from the project root):
    .venv/bin/python bench/sentiment.py --data /path/to/zh_sentiment [--rows 2000]
    .venv/bin/python bench/sentiment.py --own [--split dev|test]

``--own`` measures the model on our own evaluation set instead, bench/kb_eval_questions.csv,
whose ``sentiment`` column (negative / neutral / positive) was labelled by hand, reading each
question as a support agent would. Reported per language (zh, en, mixed) and overall:
three-label accuracy, precision and recall of "negative", the counts of gold label against
predicted label, and what always answering "not negative" would score. ``--split dev`` or
``--split test`` keeps only that half of the set (settings are chosen on dev; test is
reported, never tuned against).

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


LABELS = ("negative", "neutral", "positive")


def own(split: str | None = None) -> None:
    """The model on bench/kb_eval_questions.csv, against its hand-labelled sentiment column."""
    from kb.sentiment import NEGATIVE, sentiments

    with (ROOT / "bench" / "kb_eval_questions.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if split is None or row["split"] == split]
    if split:
        print(f"split {split} only")
    started = time.perf_counter()
    predicted = [p.label for p in sentiments([row["question"] for row in rows])]
    elapsed = time.perf_counter() - started
    print(f"{len(rows)} questions, {elapsed / len(rows) * 1000:.1f} ms per question")
    groups = [("all", list(range(len(rows))))] + [
        (language, [i for i, row in enumerate(rows) if row["language"] == language])
        for language in sorted({row["language"] for row in rows})
    ]
    for name, indexes in groups:
        gold = [rows[i]["sentiment"] for i in indexes]
        guess = [predicted[i] for i in indexes]
        n = len(indexes)
        right = sum(g == p for g, p in zip(gold, guess, strict=True))
        both = sum(g == NEGATIVE and p == NEGATIVE for g, p in zip(gold, guess, strict=True))
        said = sum(p == NEGATIVE for p in guess)
        truly = sum(g == NEGATIVE for g in gold)
        binary = sum((g == NEGATIVE) == (p == NEGATIVE) for g, p in zip(gold, guess, strict=True))
        precision = f"{both / said:.3f} ({both}/{said})" if said else "n/a (none predicted)"
        recall = f"{both / truly:.3f} ({both}/{truly})" if truly else "n/a (none labelled)"
        print(
            f"{name}: n={n}, labelled negative {truly}; accuracy (3 labels) {right / n:.3f}; "
            f"negative vs not: accuracy {binary / n:.3f}, always 'not negative' {(n - truly) / n:.3f}; "
            f"negative precision {precision}, recall {recall}"
        )
        spread = Counter(zip(gold, guess, strict=True))
        for label in LABELS:
            counts = {other: spread[(label, other)] for other in LABELS}
            if sum(counts.values()):
                print(f"  labelled {label}: predicted {counts}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="folder of the public sets")
    parser.add_argument("--rows", type=int, default=2000, help="a random sample of each set")
    parser.add_argument("--own", action="store_true", help="our own evaluation set instead")
    parser.add_argument("--split", choices=("dev", "test"), help="with --own: only that split of the set")
    options = parser.parse_args()
    if options.own:
        own(options.split)
        return
    if not options.data:
        parser.error("give --data (the public sets) or --own")
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
