"""Database building blocks of the metrics: periods, dimension filters, grouping, seconds
between two timestamps and percentiles, each giving the same answer on PostgreSQL and
SQLite.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Aggregate, F, FloatField, Func, Q, QuerySet
from django.db.models.expressions import Combinable

# A dimension's name → the Ticket field that holds its value.
DIMENSION_FIELDS: dict[str, str] = {
    "channel": "channel",
    "category": "category_id",
    "tier": "tier",
    "agent": "assignee_id",
    "course": "course_id",
}
DIMENSIONS = ("overall", *DIMENSION_FIELDS)
# The key of a group whose dimension value is empty (no category, no assignee, no course).
NONE_KEY = "none"

PERCENTILES = (0.5, 0.9)


@dataclass(frozen=True)
class Period:
    """A half-open interval of time: ``start <= t < end``, both timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("A period's bounds must be timezone-aware.")
        if self.end <= self.start:
            raise ValueError("A period must end after it starts.")

    @property
    def length(self):  # noqa: ANN201 - a timedelta
        return self.end - self.start

    def previous(self) -> "Period":
        return Period(start=self.start - self.length, end=self.start)

    def lookup(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


@dataclass(frozen=True)
class Filters:
    """Optional dimension filters on tickets; ``None`` means "any"."""

    channel: str | None = None
    category: int | None = None
    tier: int | None = None
    agent: int | None = None
    course: int | None = None

    def ticket_q(self, prefix: str = "") -> Q:
        q = Q()
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None:
                q &= Q(**{prefix + DIMENSION_FIELDS[field.name]: value})
        return q

    @property
    def ticket_only(self) -> bool:
        """Whether a filter other than the course is set (customer metrics have none)."""
        return any(getattr(self, name) is not None for name in ("channel", "category", "tier", "agent"))


NO_FILTERS = Filters()


def group_key(value: object) -> str:
    return NONE_KEY if value is None or value == "" else str(value)


def grouped(
    queryset: QuerySet, group_by: str | None, prefix: str = "", **aggregates: Any
) -> dict[str | None, dict[str, Any]]:
    """``aggregates`` over ``queryset``, one row per value of the dimension ``group_by``
    (``{None: row}`` when not grouped). Groups without rows are absent."""
    if group_by is None:
        return {None: queryset.aggregate(**aggregates)}
    field = prefix + DIMENSION_FIELDS[group_by]
    rows = queryset.order_by().annotate(dim=F(field)).values("dim").annotate(**aggregates)
    return {group_key(row.pop("dim")): row for row in rows}


def finish(
    rows: dict[str | None, dict[str, Any]],
    build: Callable[[str | None, dict[str, Any]], dict | None],
    group_by: str | None,
) -> Any:
    """Turn aggregate rows into results: one result (or ``None``, "no data") when not
    grouped, else ``{dimension value: result}`` without the groups that have no data."""
    if group_by is None:
        return build(None, rows.get(None) or {})
    results = {key: build(key, row) for key, row in rows.items()}
    return {key: result for key, result in results.items() if result is not None}


class SecondsBetween(Func):
    """``end - start`` in seconds, as a float (NULL if either is NULL)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: str | Combinable, start: str | Combinable) -> None:
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN201
        # The project supports SQLite and PostgreSQL (as_sqlite / as_postgresql below); on
        # any other database the metrics refuse to run rather than compute wrong numbers.
        raise NotImplementedError(f"SecondsBetween is not written for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN201
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN201
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(p) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str | Combinable, fraction: float) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=repr(float(fraction)))


def percentiles(
    queryset: QuerySet,
    value: Combinable,
    group_by: str | None,
    prefix: str = "",
    fractions: Iterable[float] = PERCENTILES,
) -> dict[str | None, dict[float, float]]:
    """Continuous percentiles (linear interpolation between the two nearest ranks, as
    PostgreSQL's ``percentile_cont``) of ``value`` over ``queryset``, per group.

    PostgreSQL computes them with ``percentile_cont``. SQLite has no such aggregate: a
    window query numbers the values in order within each group and returns only the (at
    most two) rows around each percentile's rank; the interpolation between those two
    values is the only arithmetic done here.
    """
    fractions = tuple(fractions)
    base = queryset.order_by().annotate(pv=value).filter(pv__isnull=False)
    field = prefix + DIMENSION_FIELDS[group_by] if group_by else None
    if connection.vendor == "postgresql":
        aggregates = {f"p{i}": PercentileCont("pv", fraction) for i, fraction in enumerate(fractions)}
        rows = grouped(base, group_by, prefix, **aggregates)
        return {
            key: {fraction: row[f"p{i}"] for i, fraction in enumerate(fractions)}
            for key, row in rows.items()
            if row.get("p0") is not None
        }
    inner = base.annotate(pg=F(field)) if field else base.annotate(pg=F("pk") * 0)
    sql, params = inner.values("pg", "pv").query.sql_with_params()
    ranks = " OR ".join(
        f"(rn = CAST({f!r} * (n - 1) AS INTEGER) OR rn = CAST({f!r} * (n - 1) AS INTEGER) + 1)" for f in fractions
    )
    query = (
        "SELECT pg, rn, n, pv FROM ("  # noqa: S608 - only our own SQL and float literals
        "SELECT pg, pv, ROW_NUMBER() OVER (PARTITION BY pg ORDER BY pv) - 1 AS rn,"
        " COUNT(*) OVER (PARTITION BY pg) AS n"
        f" FROM ({sql}) AS inner_values) AS ranked WHERE {ranks}"
    )
    by_group: dict[Any, tuple[int, dict[int, float]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for group, rank, count, number in cursor.fetchall():
            by_group.setdefault(group, (count, {}))[1][rank] = number
    result: dict[str | None, dict[float, float]] = {}
    for group, (count, values) in by_group.items():
        key = group_key(group) if field else None
        result[key] = {}
        for fraction in fractions:
            position = fraction * (count - 1)
            low = math.floor(position)
            low_value = values[low]
            high_value = values.get(low + 1, low_value)
            result[key][fraction] = low_value + (position - low) * (high_value - low_value)
    return result
