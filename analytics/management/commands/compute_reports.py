"""Backfill report snapshots: every day, week and month touching a date range."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.models import Granularity, ReportRun
from analytics.periods import periods_between
from analytics.services import report_snapshot_compute

MAX_DAYS = 3 * 366


class Command(BaseCommand):
    help = (
        "Compute the report snapshots of every day, week and month that holds a date from "
        "--from to --to (inclusive), replacing the stored ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, help="First date, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", required=True, help="Last date, YYYY-MM-DD (inclusive).")
        parser.add_argument(
            "--granularity",
            choices=Granularity.values,
            action="append",
            help="Only this granularity (repeatable); default: day, week and month (30d: the 30-day windows "
            "counted back from today that hold a date of the range).",
        )
        parser.add_argument("--missing", action="store_true", help="Only the periods that have never been computed.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            first = date.fromisoformat(options["first"])
            last = date.fromisoformat(options["last"])
        except ValueError as error:
            raise CommandError(f"Dates are written YYYY-MM-DD: {error}") from error
        if last < first:
            raise CommandError("--to must not be before --from.")
        if (last - first).days > MAX_DAYS:
            raise CommandError(f"At most {MAX_DAYS} days at once.")
        computed = skipped = 0
        default = [Granularity.DAY, Granularity.WEEK, Granularity.MONTH]
        for granularity in options["granularity"] or default:
            done = set()
            if options["missing"]:
                done = set(
                    ReportRun.objects.filter(granularity=granularity, computed_at__isnull=False).values_list(
                        "start", flat=True
                    )
                )
            for period in periods_between(granularity, first, last):
                if period.start in done:
                    continue
                if report_snapshot_compute(granularity=granularity, period=period):
                    computed += 1
                else:
                    skipped += 1
                    self.stderr.write(f"{granularity} {period.start:%Y-%m-%d}: being computed elsewhere, skipped.")
                if options["verbosity"] > 1:
                    self.stdout.write(f"{granularity} {period.start:%Y-%m-%d}")
        self.stdout.write(f"{computed} periods computed, {skipped} skipped.")
