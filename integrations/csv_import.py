"""CSV import of the customer context, for a one-person company exporting from its course
platform: one file per resource, the columns named like the API's fields
(docs/integration.md lists them). Every row goes through the same validation and upsert
as the API (``context_upsert``), so a bad row never blocks the good ones.

A dry run does everything, inside a transaction rolled back at the end: its per-row
errors are the ones a real import would give (orders find the customers of the same import).
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction

from .items import ITEMS
from .services.context import MAX_ITEMS, UpsertResult, context_upsert

# The order resources are imported in: each refers only to those before it.
ORDER = ["customers", "courses", "orders", "enrollments", "learning-activity"]
# The first data row is line 2 of the file (line 1 holds the column names).
FIRST_LINE = 2


class CSVFormatError(ValueError):
    """The file cannot be read as CSV of this resource (encoding, columns)."""


@dataclass
class ImportReport:
    results: dict[str, UpsertResult] = field(default_factory=dict)
    committed: bool = False

    @property
    def errors(self) -> int:
        return sum(len(r.errors) for r in self.results.values())


def decode(raw: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else GB18030 (Chinese spreadsheets' default)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def csv_items(resource: str, text: str) -> Iterator[list[dict[str, str]]]:
    """The file's rows as items, in batches of at most MAX_ITEMS. Empty cells are left out,
    so an empty cell changes nothing."""
    reader = csv.DictReader(io.StringIO(text))
    known = set(ITEMS[resource]().fields)
    columns = [c.strip() for c in reader.fieldnames or []]
    unknown = sorted(set(columns) - known)
    if not columns or unknown:
        raise CSVFormatError(
            f"{resource}: unknown or missing columns {unknown or columns}; expected some of {sorted(known)}"
        )
    batch: list[dict[str, str]] = []
    for row in reader:
        batch.append({k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""})
        if len(batch) == MAX_ITEMS:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_import(files: dict[str, IO[bytes] | bytes], *, commit: bool) -> ImportReport:
    """Import the given files (by resource), in dependency order. Error indexes in the
    report are line numbers of the file. Nothing is written unless ``commit``."""
    report = ImportReport(committed=commit)
    with transaction.atomic():
        for resource in [r for r in ORDER if r in files]:
            source = files[resource]
            text = decode(source if isinstance(source, bytes) else source.read())
            total = UpsertResult()
            offset = FIRST_LINE
            for batch in csv_items(resource, text):
                total.add(context_upsert(resource=resource, items=batch), offset=offset)
                offset += len(batch)
            report.results[resource] = total
        if not commit:
            transaction.set_rollback(True)
    return report
