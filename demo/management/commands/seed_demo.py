import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from demo.people import DEMO_PASSWORD, STAFF, demo_people_seed, demo_walkthrough_orders_seed
from demo.tickets import demo_tickets_seed


class Command(BaseCommand):
    help = (
        "Create realistic demo data in Chinese and English: staff of both tiers, courses, "
        "customers with orders and learning activity, and (with --tickets) tickets over the last "
        "12 months with their messages, event trail, SLA times and breaches, escalations, refunds, "
        "CSAT ratings, plus NPS surveys of the customers. Deterministic (--seed) and idempotent: "
        "running it again only adds what is missing; a larger --tickets adds only the missing tickets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--customers",
            type=int,
            default=settings.HELPDESK_DEMO_CUSTOMERS,
            help="How many demo customers should exist (default HELPDESK_DEMO_CUSTOMERS).",
        )
        parser.add_argument(
            "--tickets",
            type=int,
            default=0,
            help=(
                "How many demo tickets should exist (default 0), spread over the first --customers demo "
                "customers (HELPDESK_DEMO_CUSTOMERS of them if --customers is 0), which are created first."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 0 or options["tickets"] < 0:
            raise CommandError("--customers and --tickets take a number of 0 or more.")
        customers = options["customers"]
        if options["tickets"] and not customers:
            customers = max(settings.HELPDESK_DEMO_CUSTOMERS, 2)  # tickets need customers
        started = time.monotonic()

        def progress(line: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {line}")

        report = demo_people_seed(customers=customers, seed=options["seed"], progress=progress)
        try:
            tickets = demo_tickets_seed(
                count=options["tickets"], customers=customers, seed=options["seed"], progress=progress
            )
        except ValueError as exc:  # e.g. the demo agents were removed
            raise CommandError(str(exc)) from exc
        report.orders_created += demo_walkthrough_orders_seed(now=timezone.now())
        # The help center's articles and a first triage model trained on the demo tickets.
        from demo.kb import demo_kb_seed

        kb = demo_kb_seed()
        progress(f"knowledge base: {kb}")
        if connection.vendor == "postgresql" and (report.customers_created or tickets.tickets_created):
            # Bulk loads leave the planner's statistics stale until autovacuum comes by; fresh
            # ones keep the desk's queries on their indexes right away.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo: staff={report.staff_created} courses={report.courses_created} "
                f"customers={report.customers_created} orders={report.orders_created} "
                f"enrollments={report.enrollments_created} activities={report.activities_created} "
                f"tickets={tickets.tickets_created} messages={tickets.messages_created} "
                f"events={tickets.events_created} refunds={tickets.refunds_created} "
                f"csat={tickets.csat_created} nps={tickets.nps_created} "
                f"articles={kb.articles_created} triage_model={kb.triage_version} "
                f"in {elapsed:.1f}s"
            )
        )
        if tickets.skipped:
            self.stdout.write(
                self.style.WARNING(f"  {tickets.skipped} demo tickets skipped: their demo customer does not exist.")
            )
        if options["verbosity"] > 0 and report.staff_created:
            self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
            for email, name, _lang, roles, tier, _takes, _skills in STAFF:
                tier_text = f", tier {tier}" if tier else ""
                self.stdout.write(f"  {email:<24} {', '.join(roles)}{tier_text}  ({name})")
            self.stdout.write("  customer@example.com     customer (张伟)")
