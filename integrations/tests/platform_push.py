"""A course platform in its own process that speaks HTTP only: it pushes its customers,
courses, orders (some refunded), enrollments and learning days to the integration API
and prints the summed answers as JSON. Used by test_platform.py and bench/ingest.py.

    python platform_push.py BASE_URL API_KEY [--customers N] [--courses N] [--orders N]
                       [--days N] [--bad]
"""

import argparse
import json
import sys
import urllib.error
import urllib.request
from datetime import date, timedelta

BATCH = 1000


def data(customers: int, courses: int, orders: int, days: int) -> dict[str, list[dict]]:
    """Deterministic: the same arguments give the same data."""
    people = [
        {
            "external_id": f"u{i}",
            "email": f"learner{i}@platform.example.cn",
            "name": f"学员{i}",
            "language": "zh-hans" if i % 3 else "en",
            "vip": i % 50 == 0,
        }
        for i in range(customers)
    ]
    kinds = ["course", "column", "membership", "live"]
    catalogue = [
        {"external_id": f"c{k}", "title": f"课程 {k}", "kind": kinds[k % 4], "price": f"{99 + k}.00"}
        for k in range(courses)
    ]
    purchases, pairs = [], []
    for n in range(orders):
        customer, course = n % customers, (n * 7 + n // customers) % courses
        amount = 99 + course
        refunded = n % 10 == 0
        purchases.append(
            {
                "external_id": f"O{n:07d}",
                "customer": f"u{customer}",
                "course": f"c{course}",
                "amount": f"{amount}.00",
                "paid_at": f"2026-0{1 + n % 3}-{1 + n % 28:02d}T10:00:00+08:00",
                "status": "refunded" if refunded else "paid",
                "refunded_amount": f"{amount}.00" if refunded else "0.00",
                **({"refunded_at": "2026-04-01T10:00:00+08:00"} if refunded else {}),
            }
        )
        pairs.append((customer, course))
    pairs = sorted(set(pairs))
    enrollments = [
        {"customer": f"u{c}", "course": f"c{k}", "progress": (c + k) % 101, "minutes": 30 * (c % 9), "sessions": c % 9}
        for c, k in pairs
    ]
    start = date(2026, 1, 1)
    learning = []
    per_pair = max(1, days // max(1, len(pairs)) + 1)
    for c, k in pairs:
        for d in range(per_pair):
            if len(learning) == days:
                break
            learning.append(
                {
                    "customer": f"u{c}",
                    "course": f"c{k}",
                    "date": (start + timedelta(days=d)).isoformat(),
                    "minutes": 10 + (c + d) % 50,
                    "sessions": 1 + d % 3,
                }
            )
    return {
        "customers": people,
        "courses": catalogue,
        "orders": purchases,
        "enrollments": enrollments,
        "learning-activity": learning,
    }


def put(base: str, key: str, resource: str, items: list[dict]) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the test gives a loopback http URL)
        f"{base}/api/integration/v1/{resource}/",
        data=json.dumps({"items": items}).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback only)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("key")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--days", type=int, default=50000)
    parser.add_argument("--bad", action="store_true", help="Push one batch of orders with bad items instead.")
    args = parser.parse_args()
    if args.bad:
        items = [
            {"external_id": "OK-1", "customer": "u1", "course": "c1", "amount": "10.00"},
            {"external_id": "BAD-1", "customer": "nobody", "course": "c1", "amount": "10.00"},
            {"external_id": "BAD-2", "customer": "u1", "course": "c1", "amount": "ten"},
            {"external_id": "OK-2", "customer": "u2", "course": "c2", "amount": "20.00"},
        ]
        status, body = put(args.base, args.key, "orders", items)
        json.dump({"status": status, **body}, sys.stdout)
        return
    totals = {}
    for resource, items in data(args.customers, args.courses, args.orders, args.days).items():
        total = {"items": len(items), "created": 0, "updated": 0, "unchanged": 0, "errors": 0, "statuses": []}
        for start in range(0, len(items), BATCH):
            status, body = put(args.base, args.key, resource, items[start : start + BATCH])
            total["statuses"].append(status)
            for name in ("created", "updated", "unchanged"):
                total[name] += body.get(name, 0)
            total["errors"] += len(body.get("errors", []))
        total["statuses"] = sorted(set(total["statuses"]))
        totals[resource] = total
    json.dump(totals, sys.stdout)


if __name__ == "__main__":
    main()
