"""Tables of the report pages: the same rows are rendered as HTML and exported as CSV."""

import csv
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.html import conditional_escape
from django.utils.text import slugify
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    label: str
    # text, int, pct (a share in %), seconds (a duration), money, num, link ((text, url))
    kind: str = "text"


@dataclass(frozen=True)
class Cell:
    """A figure whose kind differs from its column's (a table listing different metrics);
    ``change``: a signed difference in the figure's unit ("−2.1 h", "+3.0 pts")."""

    value: Any
    kind: str
    change: bool = False

    def html(self) -> str:
        from analytics.templatetags.reports import change, figure

        return figure(self.value, self.kind) if not self.change or self.value is None else change(self.value, self.kind)


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    @property
    def cells(self) -> list[list[tuple[bool, str]]]:
        """Rows as (numeric, escaped HTML) pairs: formatted here rather than with a filter
        per cell in the template, which cost ~15 ms on the larger pages."""
        from analytics.templatetags.reports import figure

        kinds = [(column.kind not in ("text", "link"), column.kind) for column in self.columns]
        return [
            [
                (numeric, conditional_escape(value.html()))
                if isinstance(value, Cell)
                else (numeric, conditional_escape(figure(value, kind)))
                for (numeric, kind), value in zip(kinds, row, strict=True)
            ]
            for row in self.rows
        ]


def _csv_value(value: Any, kind: str = "text") -> Any:
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if value is None:
        return ""
    if kind == "seconds":
        return round(value / 60.0, 1)
    if isinstance(value, tuple):  # a link: its text
        value = value[0]
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # never a formula in a spreadsheet (comments are customers' text)
    return value


def table_csv_response(table: Table, *, filename_prefix: str) -> HttpResponse:
    """The table as a UTF-8 CSV download (with a BOM, so that spreadsheet programs read
    Chinese correctly). Durations are in minutes (the header says so), shares in %."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename_prefix)}-{table.name}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("%(column)s (minutes)") % {"column": column.label} if column.kind == "seconds" else column.label
            for column in table.columns
        ]
    )
    for row in table.rows:
        writer.writerow([_csv_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    return response
