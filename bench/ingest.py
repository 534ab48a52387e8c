"""Bulk ingest through the integration API on PostgreSQL: customers, courses, orders,
enrollments and learning days pushed in batches of 1,000 by a platform client (the test's
integrations/tests/platform_push.py data), against gunicorn (2 workers, DEBUG off).
Prints rows/s per resource, for the first push (creates) and a second (all unchanged).

    DATABASE_URL=postgres://…/h11_ingest flock /tmp/bench.lock .venv/bin/python bench/ingest.py \
        --customers 100000 --orders 300000 --days 1000000 [--parallel 2]

Use a scratch database (migrated, nothing else needed); the script adds an integration.
"""

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from served import ROOT, django_setup, gunicorn_served

sys.path.insert(0, str(ROOT / "integrations" / "tests"))
from platform_push import BATCH, data, put  # noqa: E402


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
                elapsed, totals = push(base, key.key, resource, items, args.parallel)
                print(
                    f"{resource:18s} rows={len(items):>9,} {elapsed:7.1f} s {len(items) / elapsed:8,.0f} rows/s  "
                    + " ".join(f"{k}={v}" for k, v in totals.items()),
                    flush=True,
                )


if __name__ == "__main__":
    main()
