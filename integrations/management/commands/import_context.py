"""manage.py import_context FOLDER [--commit]: CSV files named after the resources
(customers.csv, courses.csv, orders.csv, enrollments.csv, learning-activity.csv).
Without --commit it is a dry run that prints what would happen and every bad row."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...csv_import import ORDER, CSVFormatError, csv_import


class Command(BaseCommand):
    help = "Import customers, courses, orders, enrollments and learning from CSV files (dry run unless --commit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--commit", action="store_true", help="Write the rows (default: a dry run).")

    def handle(self, *args: object, folder: Path, commit: bool, **options: object) -> None:
        files = {}
        for resource in ORDER:
            for name in (f"{resource}.csv", f"{resource.replace('-', '_')}.csv"):
                if (folder / name).is_file():
                    files[resource] = (folder / name).read_bytes()
        if not files:
            raise CommandError(f"No CSV file in {folder}; expected some of: {', '.join(f'{r}.csv' for r in ORDER)}")
        try:
            report = csv_import(files, commit=commit)
        except CSVFormatError as exc:
            raise CommandError(str(exc)) from exc
        for resource, result in report.results.items():
            self.stdout.write(
                f"{resource}: created={result.created} updated={result.updated} "
                f"unchanged={result.unchanged} errors={len(result.errors)}"
            )
            for error in sorted(result.errors, key=lambda e: e["index"]):
                details = "; ".join(f"{name}: {' '.join(map(str, msgs))}" for name, msgs in error["errors"].items())
                self.stdout.write(f"  line {error['index']}: {details}")
        if not commit:
            self.stdout.write("Dry run: nothing was written. Run again with --commit to import.")
