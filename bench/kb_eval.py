"""Search quality and triage accuracy on our own evaluation set (bench/kb_eval_questions.csv).

The set: 656 questions written the way customers of a knowledge-payment platform write
(colloquial Chinese, English, typos, mixed zh/en, one-liners and long messages), each with
its ticket category and the demo article(s) that answer it (keys of demo/kb_articles.py;
either language version of an article counts). Rows alternate between a ``dev`` half, on
which the combined ranking's two knobs were chosen (``--grid``), and a ``test`` half that
reports them.

Usage (from the project root; a fresh SQLite database under var/):
    .venv/bin/python bench/kb_eval.py [--split test|dev|all] [--grid]

Prints, for lexical search and the combined (lexical + embeddings) search, each without
and with the colloquial rewrite of Chinese queries (``kb.search.colloquial_rewrite``): MRR@10 and
recall@5 over the split, by language, and the share of the top-3 paraphrase questions
(those sharing no indexed word with their article's title) found in the top 3; then the
triage model's category accuracy on the split, trained on the demo ticket templates.
"""

import argparse
import csv
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from served import scratch_sqlite_setup  # noqa: E402

QUESTIONS = ROOT / "bench" / "kb_eval_questions.csv"


def read_questions(split: str) -> list[dict[str, str]]:
    with QUESTIONS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row for row in rows if split == "all" or row["split"] == split]


def ranks(questions, keys_of, search) -> list[int | None]:
    """Rank (1-based) of the first right article in the top 10, per question."""
    out = []
    for row in questions:
        wanted = set(row["articles"].split("|"))
        hits = [keys_of.get(pk) for pk, _score in search(row["question"]).hits]
        out.append(next((n for n, key in enumerate(hits, 1) if key in wanted), None))
    return out


def figures(found: list[int | None]) -> tuple[float, float, float]:
    n = len(found) or 1
    mrr = sum(1 / r for r in found if r) / n
    return mrr, sum(1 for r in found if r and r <= 5) / n, sum(1 for r in found if r and r <= 3) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--grid", action="store_true", help="try the combined ranking's knobs (use on dev)")
    parser.add_argument(
        "--minimum", type=float, action="append", help="the SEMANTIC_MIN values the grid tries (default: 0.2–0.5)"
    )
    options = parser.parse_args()

    scratch_sqlite_setup("bench-kb-eval")
    from demo.kb import _NAMESPACE, demo_kb_seed
    from demo.kb_articles import ARTICLES
    from kb import search
    from kb.models import Article
    from kb.search import parse_query, search_ids, search_index

    started = time.perf_counter()
    demo_kb_seed(train=False)
    print(f"demo articles indexed: {Article.objects.count()} in {time.perf_counter() - started:.1f} s")
    key_of_uuid = {uuid.uuid5(_NAMESPACE, key): key for key, *_ in ARTICLES}
    keys_of = {pk: key_of_uuid[t] for pk, t in Article.objects.values_list("pk", "translation_key")}
    questions = read_questions(options.split)
    print(f"questions: {len(questions)} ({options.split})")

    titles = defaultdict(set)
    index = search_index()
    search.COLLOQUIAL = False  # paraphrases are judged on the question as written
    for pk, title in Article.objects.values_list("pk", "title"):
        titles[keys_of[pk]] |= set(parse_query(title, index).terms)
    paraphrase = [
        not (
            set(parse_query(row["question"], index).terms)
            & set().union(*(titles[k] for k in row["articles"].split("|")))
        )
        for row in questions
    ]

    if options.grid:
        for colloquial in (False, True):
            search.COLLOQUIAL = colloquial
            for minimum in options.minimum or (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
                for weight in (0.05, 0.1, 0.2, 0.3, 0.5):
                    search.SEMANTIC_MIN, search.LEXICAL_WEIGHT = minimum, weight
                    found = ranks(questions, keys_of, lambda q: search_ids(q, limit=10))
                    mrr, recall5, _top3 = figures(found)
                    top3 = figures([r for r, flag in zip(found, paraphrase, strict=True) if flag])[2]
                    print(
                        f"COLLOQUIAL={colloquial} SEMANTIC_MIN={minimum} LEXICAL_WEIGHT={weight}: MRR@10 {mrr:.3f} "
                        f"recall@5 {recall5:.3f} paraphrases in the top 3 {top3:.3f}",
                        flush=True,
                    )
        return

    print(f"{'search':22} {'language':10} {'n':>4} {'MRR@10':>7} {'recall@5':>8} {'top-3':>6}")
    for label, semantic, colloquial in (
        ("lexical", False, False),
        ("lexical+colloquial", False, True),
        ("combined", True, False),
        ("combined+colloquial", True, True),
    ):
        search.COLLOQUIAL = colloquial
        found = ranks(questions, keys_of, lambda q, s=semantic: search_ids(q, limit=10, semantic=s))
        groups = {"all": range(len(questions))}
        for language in ("zh", "en", "mixed"):
            groups[language] = [i for i, row in enumerate(questions) if row["language"] == language]
        groups["paraphrase"] = [i for i, flag in enumerate(paraphrase) if flag]
        for group, members in groups.items():
            mrr, recall5, top3 = figures([found[i] for i in members])
            print(f"{label:22} {group:10} {len(members):>4} {mrr:7.3f} {recall5:8.3f} {top3:6.3f}")
    search.COLLOQUIAL = True

    # Triage on the same questions: the product's default pipeline trained on the demo
    # ticket templates (what the demo's first model learns from).
    from triage_train_csv import template_examples

    from kb.triage import DEFAULT_PIPELINE, evaluate

    train = template_examples(variants=3)
    started = time.perf_counter()
    _pipeline, result = evaluate(
        train=train, test=([r["question"] for r in questions], [r["category"] for r in questions])
    )
    print(
        f"triage ({DEFAULT_PIPELINE}, trained on {result.train_size} template tickets): "
        f"accuracy {result.accuracy:.3f}, macro-F1 {result.macro_f1:.3f} on {result.test_size} questions "
        f"({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
