import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kb.triage import DEFAULT_PIPELINE, PIPELINES, evaluate


def _read(path: str) -> tuple[list[str], list[str]]:
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
                raise CommandError(f"{path}: the header must be text,label")
            rows = [(row["text"] or "", (row["label"] or "").strip()) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    rows = [(text, label) for text, label in rows if text.strip() and label]
    if not rows:
        raise CommandError(f"{path}: no rows with a text and a label")
    return [text for text, _ in rows], [label for _, label in rows]


class Command(BaseCommand):
    help = (
        "Train the triage pipeline the product uses on TRAIN and print accuracy and macro-F1 on TEST "
        "(CSV files with the header text,label, UTF-8)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv")
        parser.add_argument("--test", required=True, metavar="TEST.csv")
        parser.add_argument(
            "--pipeline", default=DEFAULT_PIPELINE, choices=sorted(PIPELINES), help="default: the product's"
        )

    def handle(self, *args: object, **options: str) -> None:
        train, test = _read(options["train"]), _read(options["test"])
        if len(set(train[1])) < 2:
            raise CommandError("TRAIN needs at least two labels")
        _, figures = evaluate(train=train, test=test, name=options["pipeline"])
        self.stdout.write(
            f"pipeline={options['pipeline']} train={figures.train_size} test={figures.test_size} "
            f"labels={len(set(train[1]))}"
        )
        self.stdout.write(f"accuracy={figures.accuracy:.4f} macro_f1={figures.macro_f1:.4f}")
