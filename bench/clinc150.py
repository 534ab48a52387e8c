"""Triage on public data: CLINC150 (Larson et al., 2019, "An Evaluation Dataset for Intent
Classification and Out-of-Scope Prediction", EMNLP; CC BY 3.0; 150 intents in 10 domains,
plus out-of-scope queries). The data is not kept in this repository: give the path of its
``data_full.json``.

Writes text,label CSVs under --out (train.csv, val.csv, test.csv; with the out-of-scope
rows labelled ``oos``: train_oos.csv, val_oos.csv, test_oos.csv), then runs
``manage.py evaluate_triage`` twice per pipeline, each timed as a whole (training,
calibration on the validation split, evaluation on the test split):

1. in scope: train on train, calibrate on val, test on test;
2. with out-of-scope rows: train on train + oos_train, calibrate on val + oos_val, test on
   test + oos_test (prints in_scope_accuracy and oos_recall).

Usage (from the project root):
    .venv/bin/python bench/clinc150.py --data /path/to/clinc150/data_full.json [--pipeline NAME ...] [--test-split val]

The sentence embeddings of the texts are kept in ``--embedding-cache`` (under --out by
default): the first run embeds every text, later runs (the out-of-scope run, other
pipelines) only the texts they have not seen. Each run prints its wall time and its CPU
time (user + system): on a shared machine the wall time follows the load, the CPU time much
less.

``--test-split val`` evaluates on the validation split instead (for choosing a pipeline
without looking at the test split; the calibration then sees the same rows).
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([text, "oos" if label == "oos" else label] for text, label in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="CLINC150's data_full.json")
    parser.add_argument("--out", default=str(ROOT / "var" / "clinc150"))
    parser.add_argument("--pipeline", action="append", help="default: the product's")
    parser.add_argument("--test-split", default="test", choices=["test", "val"])
    parser.add_argument("--only", choices=["in-scope", "oos"], help="one of the two runs")
    parser.add_argument(
        "--embedding-cache",
        default=str(ROOT / "var" / "clinc150" / "embeddings.npz"),
        help="sentence embeddings kept between runs ('' for none): the first run fills it",
    )
    options = parser.parse_args()

    data = json.loads(Path(options.data).read_text(encoding="utf-8"))
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    for split in ("train", "val", "test"):
        write(out / f"{split}.csv", data[split])
        write(out / f"{split}_oos.csv", data[split] + data[f"oos_{split}"])
    test = options.test_split
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test"}
    for pipeline in options.pipeline or [None]:
        for label, suffix in (("in scope", ""), ("with out-of-scope rows", "_oos")):
            if options.only and options.only != ("oos" if suffix else "in-scope"):
                continue
            command = [
                sys.executable,
                "manage.py",
                "evaluate_triage",
                "--train",
                str(out / f"train{suffix}.csv"),
                "--val",
                str(out / f"val{suffix}.csv"),
                "--test",
                str(out / f"{test}{suffix}.csv"),
            ]
            if pipeline:
                command += ["--pipeline", pipeline]
            if options.embedding_cache:
                command += ["--embedding-cache", options.embedding_cache]
            started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            print(
                f"## {pipeline or 'default'}, {label} (test split: {test}): {time.perf_counter() - started:.0f} s, "
                f"CPU {cpu:.0f} s, load average {os.getloadavg()[0]:.1f}"
            )
            print(result.stdout.strip() or result.stderr.strip()[-2000:], flush=True)


if __name__ == "__main__":
    main()
