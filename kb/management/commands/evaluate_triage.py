import csv
import time
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kb.embeddings import embedding_cache
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
        "Train the triage pipeline the product uses on TRAIN, calibrate it on VAL (confidences and the "
        "out-of-scope threshold), and print accuracy and macro-F1 on TEST (CSV files with the header "
        "text,label, UTF-8). Rows labelled oos are out of scope: when TEST has some, the line before the "
        "last gives the accuracy on the other rows and the share of oos rows recognised."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv")
        parser.add_argument("--test", required=True, metavar="TEST.csv")
        parser.add_argument("--val", metavar="VAL.csv", help="validation data for calibration (never the test file)")
        parser.add_argument(
            "--pipeline", default=DEFAULT_PIPELINE, choices=sorted(PIPELINES), help="default: the product's"
        )
        parser.add_argument(
            "--embedding-cache",
            metavar="FILE.npz",
            help="read the texts' sentence embeddings from FILE, adding the missing ones (runs on the same data)",
        )

    def handle(self, *args: object, **options: str) -> None:
        train, test = _read(options["train"]), _read(options["test"])
        validation = _read(options["val"]) if options.get("val") else None
        if len(set(train[1])) < 2:
            raise CommandError("TRAIN needs at least two labels")
        started = time.perf_counter()
        path = options.get("embedding_cache")
        with embedding_cache(Path(path)) if path else nullcontext() as cache:
            _, figures = evaluate(train=train, test=test, name=options["pipeline"], validation=validation)
        cached = f" embedded={cache.added} cached={len(cache.keys) - cache.added}" if cache is not None else ""
        self.stdout.write(
            f"pipeline={options['pipeline']} train={figures.train_size} test={figures.test_size} "
            f"labels={len(set(train[1]))} validation={len(validation[0]) if validation else 0} "
            f"threshold={figures.threshold:.3f} seconds={time.perf_counter() - started:.1f}{cached}"
        )
        if figures.oos_recall is not None:
            in_scope = f"{figures.in_scope_accuracy:.4f}" if figures.in_scope_accuracy is not None else "none"
            self.stdout.write(f"in_scope_accuracy={in_scope} oos_recall={figures.oos_recall:.4f}")
        self.stdout.write(f"accuracy={figures.accuracy:.4f} macro_f1={figures.macro_f1:.4f}")
