"""Write a triage training CSV (text,label) from the demo ticket templates of
``demo.ticket_texts`` (subject + first message per category and language, each filled in
--variants times with different courses, orders and amounts): the text the demo tickets,
and so the product's model, are trained on. bench/triage/test.csv holds hand-written
messages that appear nowhere in the templates, for ``evaluate_triage --test``.

Usage: .venv/bin/python bench/triage_train_csv.py var/triage-train.csv [--variants 5] [--target category]
"""

import argparse
import csv
import os
import random
import string
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COURSES = {
    "zh-hans": ["Python 数据分析实战", "经济学 30 讲", "零基础学摄影", "职场写作课", "每天学点心理学"],
    "en": ["Python for Data Analysis", "Economics in 30 Lessons", "Photography Basics", "Business Writing"],
}


def template_examples(*, variants: int = 5, seed: int = 7) -> tuple[list[str], list[str]]:
    """(texts, category slugs): every template of ``demo.ticket_texts`` filled in ``variants``
    times. Django must be set up."""
    from demo.ticket_texts import TEMPLATES

    rng = random.Random(seed)
    texts, labels = [], []
    for (slug, language), templates in TEMPLATES.items():
        for template in templates:
            for _ in range(variants):
                values = defaultdict(lambda: str(rng.randint(2, 99)))
                values.update(
                    course=rng.choice(COURSES[language]),
                    order="".join(rng.choices(string.digits, k=10)),
                    amount=f"{rng.randint(9, 1999)}.00",
                    name="",
                )
                texts.append(f"{template.subject}\n{template.first}".format_map(values))
                labels.append(slug)
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--variants", type=int, default=5)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.test")
    import django

    django.setup()
    texts, labels = template_examples(variants=options.variants)
    with Path(options.output).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(zip(texts, labels, strict=True))


if __name__ == "__main__":
    main()
