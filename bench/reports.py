"""Report snapshots and report pages on a large PostgreSQL database (issue: a month of a
1,000,000-ticket history computed in under 60 s; report pages p95 < 100 ms).

Seed once (about 20 minutes of CPU), from the project root:
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE helpdesk_bench_1m"
    export DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_1m
    .venv/bin/python manage.py migrate && \\
        .venv/bin/python manage.py seed_demo --customers 100000 --tickets 1000000
Then:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_1m \\
        .venv/bin/python bench/reports.py [--requests 100] [--breakdown]

It times one daily snapshot (yesterday), one monthly snapshot (last month), the pages'
default (the last 30 days) and this month so far (with the same span of last month to
compare with), each computed twice (every dimension: overall, channel, category, tier,
agent, course), makes sure the snapshots the pages show by default exist, then serves the
site with gunicorn (2 workers, DEBUG off) and measures each report page as a signed-in
manager. ``--breakdown`` also times each metric of last month, and the headline figures of a
whole month: what a partial month computes again for its same span of the month before (at
most a whole month, on the last day of a month).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import django_setup, gunicorn_served, measure, print_header, print_timings, signed_in_session  # noqa: E402


def time_snapshots(breakdown: bool) -> None:
    from analytics import metrics
    from analytics.periods import period_relative
    from analytics.services import _headline_metrics, report_snapshot_compute
    from tickets.models import Ticket

    print(f"{Ticket.objects.count()} tickets")
    cases = (
        ("day", -1, "yesterday"),
        ("month", -1, "last month"),
        ("30d", 0, "the last 30 days"),
        ("month", 0, "this month so far"),
    )
    for granularity, offset, label in cases:
        period = period_relative(granularity, offset)
        created = Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end).count()
        for attempt in (1, 2):
            started = time.perf_counter()
            report_snapshot_compute(granularity=granularity, period=period)
            elapsed = time.perf_counter() - started
            print(f"{label} ({created} tickets created in it), run {attempt}: {elapsed:.1f} s")
    if breakdown:
        period = period_relative("month", -1)
        steps = {
            "volume": lambda g: metrics.volume(period=period, group_by=g),
            "first response": lambda g: metrics.first_response_time(period=period, group_by=g),
            "auto-answer": lambda g: metrics.auto_answer_time(period=period, group_by=g),
            "resolution": lambda g: metrics.resolution_time(period=period, group_by=g),
            "sla": lambda g: metrics.sla_compliance(period=period, group_by=g),
            "escalation": lambda g: metrics.escalation(period=period, group_by=g),
            "deflection": lambda g: metrics.deflection(period=period, group_by=g),
            "csat": lambda g: metrics.csat(period=period, group_by=g),
        }
        for name, step in steps.items():
            started = time.perf_counter()
            for group in (None, *metrics.DIMENSION_FIELDS):
                step(group)
            print(f"  {name:<20} all dimensions {time.perf_counter() - started:6.2f} s")
        for name, step in {
            "nps": lambda: metrics.nps(period=period),
            "churn": lambda: metrics.churn(period=period),
            "repurchase": lambda: metrics.repurchase(period=period),
            "clv, 12 months": lambda: metrics.clv(period=period),
            "customers by course": lambda: metrics.customers_by_course(period=period),
            "cohorts": lambda: metrics.cohort_retention(end=period.end),
            "at-risk learners": lambda: metrics.learners_at_risk(end=period.end),
            "learner segments": lambda: metrics.learner_segments(end=period.end),
            "same span, whole month": lambda: _headline_metrics(period),
        }.items():
            started = time.perf_counter()
            step()
            print(f"  {name:<20} {time.perf_counter() - started:6.2f} s")


def page_snapshots() -> None:
    """The snapshots the pages show by default: the last six 30-day windows."""
    from django.core.management import call_command
    from django.utils import timezone

    from analytics.forms import default_first

    today = timezone.localdate()
    started = time.perf_counter()
    first = default_first("30d", today)
    call_command("compute_reports", "--missing", "--granularity", "30d", "--from", str(first), "--to", str(today))
    print(f"snapshots for the pages' default ranges (missing ones only): {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("compute_staffing")
    print(f"this week's staffing forecast: {time.perf_counter() - started:.1f} s")


def time_pages(requests: int) -> None:
    session = signed_in_session("manager@example.com")
    with gunicorn_served() as port:
        headers = {"Cookie": f"sessionid={session}"}
        scenarios = [
            ("overview (30 days)", "/reports/"),
            ("CSAT and NPS", "/reports/satisfaction/"),
            ("times and SLA", "/reports/times/"),
            ("volume", "/reports/volume/"),
            ("escalations", "/reports/escalations/"),
            ("deflection", "/reports/deflection/"),
            ("agents", "/reports/agents/"),
            ("customers", "/reports/customers/"),
            ("learners", "/reports/learners/"),
            ("staffing", "/reports/staffing/"),
            ("times, one channel", "/reports/times/?segment=channel:email"),
            ("CSV export", "/reports/times/?export=trend"),
            ("API, 14 days by agent", "/api/reports/snapshots/?dimension=agent"),
        ]
        print(f"{requests} requests per page, sequential, after 10 warm-up")
        print_header("page", 26)
        for name, path in scenarios:
            print_timings(name, 26, measure(port, "GET", path, headers, None, requests, 200))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--breakdown", action="store_true", help="Also time each metric of the month.")
    parser.add_argument("--pages-only", action="store_true")
    parser.add_argument("--snapshots-only", action="store_true")
    args = parser.parse_args()
    django_setup()
    if not args.pages_only:
        time_snapshots(args.breakdown)
    if args.snapshots_only:
        return
    page_snapshots()
    time_pages(args.requests)


if __name__ == "__main__":
    main()
