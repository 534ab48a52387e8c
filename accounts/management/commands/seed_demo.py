import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_PASSWORD, STAFF, demo_people_seed


class Command(BaseCommand):
    help = (
        "Create realistic demo data in Chinese and English: staff of both tiers, courses, "
        "customers with orders and learning activity. Deterministic (--seed) and idempotent: "
        "running it again only adds what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--customers",
            type=int,
            default=settings.HELPDESK_DEMO_CUSTOMERS,
            help="How many demo customers should exist (default HELPDESK_DEMO_CUSTOMERS).",
        )
        parser.add_argument("--tickets", type=int, default=0, help="How many demo tickets should exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 0 or options["tickets"] < 0:
            raise CommandError("--customers and --tickets take a number of 0 or more.")
        if options["tickets"]:
            # Ticket data needs the ticket models, which the tickets app does not have yet.
            raise CommandError("Demo tickets cannot be seeded yet: the tickets app has no ticket model.")
        started = time.monotonic()
        report = demo_people_seed(
            customers=options["customers"],
            seed=options["seed"],
            progress=lambda line: self.stdout.write(f"  {line}") if options["verbosity"] > 1 else None,
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo: staff={report.staff_created} courses={report.courses_created} "
                f"customers={report.customers_created} orders={report.orders_created} "
                f"enrollments={report.enrollments_created} activities={report.activities_created} "
                f"in {elapsed:.1f}s"
            )
        )
        if options["verbosity"] > 0 and report.staff_created:
            self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
            for email, name, _lang, roles, tier, _takes, _skills in STAFF:
                tier_text = f", tier {tier}" if tier else ""
                self.stdout.write(f"  {email:<24} {', '.join(roles)}{tier_text}  ({name})")
            self.stdout.write("  customer@example.com     customer (张伟)")
