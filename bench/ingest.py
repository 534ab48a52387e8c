"""Bulk ingest through the integration API on PostgreSQL: customers, courses, orders,
enrollments and learning days pushed in batches of 1,000 by a platform client (the test's
integrations/tests/platform_push.py data), against gunicorn (2 workers, DEBUG off).
Prints rows/s per resource, for the first push (creates) and a second (all unchanged),
and the CPU time per 1,000 rows of the server (gunicorn's workers), of PostgreSQL (the
backends of the bench's database) and of the client (this process): on a shared machine,
rows/s depends on the other work; the CPU figures much less.

    DATABASE_URL=postgres://…/h11_ingest flock /tmp/bench.lock .venv/bin/python bench/ingest.py \
        --customers 100000 --orders 300000 --days 1000000 [--parallel 2]

Use a scratch database (migrated, nothing else needed); the script adds an integration.
"""

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from served import ROOT, django_setup, gunicorn_served

sys.path.insert(0, str(ROOT / "integrations" / "tests"))
from platform_push import BATCH, data, put  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


def cpu_seconds() -> tuple[float, dict[int, float], float]:
    """CPU seconds so far of gunicorn (master and workers), of each PostgreSQL backend
    connected to our database (but this process's own), and of this process."""
    from django.db import connection

    server = [w for master in _children(os.getpid()) for w in [master, *_children(master)]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = {pid: _cpu(pid) for (pid,) in cursor.fetchall()}
    return sum(map(_cpu, server)), backends, time.process_time()


def cpu_used(before: tuple[float, dict[int, float], float]) -> tuple[float, float, float]:
    """CPU seconds since ``before``: a backend that ended in between is not counted."""
    server, backends, client = cpu_seconds()
    postgres = sum(seconds - before[1].get(pid, 0.0) for pid, seconds in backends.items())
    return server - before[0], postgres, client - before[2]


def push(base: str, key: str, resource: str, items: list[dict], parallel: int) -> tuple[float, dict[str, int]]:
    batches = [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        answers = list(pool.map(lambda batch: put(base, key, resource, batch), batches))
    elapsed = time.perf_counter() - started
    totals = {"created": 0, "updated": 0, "unchanged": 0, "errors": 0, "bad_status": 0}
    for status, body in answers:
        totals["bad_status"] += status != 200
        for name in ("created", "updated", "unchanged"):
            totals[name] += body.get(name, 0)
        totals["errors"] += len(body.get("errors", []))
    return elapsed, totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--days", type=int, default=1_000_000)
    parser.add_argument("--parallel", type=int, default=2, help="batches in flight at once")
    args = parser.parse_args()
    django_setup()
    from integrations.services.keys import integration_create

    _integration, key = integration_create(name=f"bench-{time.time():.0f}")
    payload = data(args.customers, args.courses, args.orders, args.days)
    with gunicorn_served(workers=2) as port:
        base = f"http://127.0.0.1:{port}"
        for round_name in ("first push", "same data again"):
            print(f"-- {round_name}")
            for resource, items in payload.items():
                before = cpu_seconds()
                elapsed, totals = push(base, key.key, resource, items, args.parallel)
                per_1000 = len(items) / 1000
                server, postgres, client = (seconds * 1000 / per_1000 for seconds in cpu_used(before))
                print(
                    f"{resource:18s} rows={len(items):>9,} {elapsed:7.1f} s {len(items) / elapsed:8,.0f} rows/s  "
                    f"CPU ms/1000 rows: server {server:,.0f} postgres {postgres:,.0f} client {client:,.0f}  "
                    + " ".join(f"{k}={v}" for k, v in totals.items()),
                    flush=True,
                )


if __name__ == "__main__":
    main()
