"""Course recommendations measured offline: hit rate at 5 on held-back purchases of the
demo, item-item similarity (the product's, accounts.recommendations) against "most
popular".

Usage (from the project root; a fresh SQLite database under var/):
    .venv/bin/python bench/recommendations.py [--customers 5000] [--seed 2026]

Seeds the demo's courses and customers (orders, enrollments, learning), then, for every
customer who owns at least two courses, holds back the most recently bought one. The
model is built from everything else (the held-back purchase and its learning removed);
a hit is the held-back course among the 5 recommended for the customer's other courses.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from served import scratch_sqlite_setup  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()

    scratch_sqlite_setup("bench-recommendations")
    from accounts.models import Order
    from accounts.recommendations import OWNED_STATUSES, course_model_build, ownership_rows
    from demo.people import demo_people_seed

    demo_people_seed(customers=options.customers, seed=options.seed)
    latest: dict[int, tuple] = {}
    owned: dict[int, set[int]] = {}
    for customer, course, paid_at, pk in Order.objects.filter(status__in=OWNED_STATUSES).values_list(
        "customer_id", "course_id", "paid_at", "pk"
    ):
        owned.setdefault(customer, set()).add(course)
        if customer not in latest or (paid_at, pk) > latest[customer][:2]:
            latest[customer] = (paid_at, pk, course)
    held = {customer: latest[customer][2] for customer, courses in owned.items() if len(courses) >= 2}
    rows = [row for row in ownership_rows() if held.get(row[0]) != row[1]]
    model = course_model_build(rows)
    print(
        f"customers {options.customers}, owning ≥ 2 courses {len(held)}, courses {len(model.course_ids)}, "
        f"ownership rows for training {len(rows)}"
    )
    for label, item_item in (("item-item (product)", True), ("most popular (baseline)", False)):
        hits = sum(
            course in model.recommend(owned[customer] - {course}, limit=5, item_item=item_item)
            for customer, course in held.items()
        )
        print(f"{label}: hit rate at 5 = {hits / len(held):.3f} ({hits} of {len(held)} held-back purchases)")


if __name__ == "__main__":
    main()
