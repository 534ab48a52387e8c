"""Durations in business time: the same business calendar as the SLA clock (the ticket's
priority's policy: weekday hours, mainland China's public holidays and make-up working
days when it follows them, the company's own closures and working days).

The database gives each ticket's two instants as seconds since the epoch (one query per
metric and grouping); numpy then measures every duration at once against the calendar's
opening intervals: with the business seconds elapsed before each opening added up in
order, the business time before an instant is one binary search, so a month of a
million-ticket history costs a few hundred milliseconds, whatever the span of the
calendar it crosses.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import DateTimeField, QuerySet, Value

from tickets.models import SLAPolicy
from tickets.services.sla import calendar_for
from tickets.sla_clock import BusinessCalendar, open_intervals

from .db import DIMENSION_FIELDS, PERCENTILES, SecondsBetween, group_key

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def priority_calendars() -> dict[str, BusinessCalendar]:
    """The business calendar of each priority whose SLA policy has business hours (the
    others run around the clock: their business time is the wall-clock time)."""
    policies = SLAPolicy.objects.select_related("business_hours").filter(business_hours__isnull=False)
    return {policy.priority: calendar_for(policy.business_hours) for policy in policies}


def business_seconds_before(instants: np.ndarray, calendar: BusinessCalendar) -> np.ndarray:
    """For epoch seconds ``instants``: the business seconds of ``calendar`` from the
    earliest of them to each. Differences of two results are business durations."""
    if not len(instants):
        return instants
    first, last = float(instants.min()), float(instants.max())
    intervals = open_intervals(
        datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last + 1, UTC), calendar=calendar
    )
    opens = np.array([lo.timestamp() for lo, _ in intervals], dtype=float)
    closes = np.array([hi.timestamp() for _, hi in intervals], dtype=float)
    before = np.concatenate(([0.0], np.cumsum(closes - opens)))[:-1]
    index = np.searchsorted(opens, instants, side="right") - 1
    inside = index >= 0
    result = np.zeros_like(instants, dtype=float)
    at = index[inside]
    result[inside] = before[at] + np.minimum(instants[inside], closes[at]) - opens[at]
    return result


def business_durations(
    starts: np.ndarray, ends: np.ndarray, priorities: Sequence[str], calendars: dict[str, BusinessCalendar]
) -> np.ndarray:
    """Business seconds from each start to its end, on the calendar of its priority (wall
    clock for a priority without one)."""
    durations = ends - starts
    priorities = np.asarray(priorities, dtype=object)
    for priority, calendar in calendars.items():
        chosen = priorities == priority
        if chosen.any():
            both = business_seconds_before(np.concatenate((starts[chosen], ends[chosen])), calendar)
            count = int(chosen.sum())
            durations[chosen] = both[count:] - both[:count]
    return durations


def _summary(values: np.ndarray) -> dict[str, Any]:
    median, p90 = np.percentile(values, [100 * fraction for fraction in PERCENTILES])  # linear, as percentile_cont
    return {
        "count": int(len(values)),
        "mean_seconds": round(float(values.mean()), 1),
        "median_seconds": round(float(median), 1),
        "p90_seconds": round(float(p90), 1),
    }


# Within ``business_time_batch()``: the durations already measured, by query, with every
# dimension's column, so that the six groupings of one snapshot read the tickets once.
_BATCH: ContextVar[dict | None] = ContextVar("business_time_batch", default=None)


@contextmanager
def business_time_batch() -> Iterator[None]:
    """Measure each set of tickets once however many groupings ask for it (a snapshot
    computes every metric overall and by each dimension)."""
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def _measured(
    queryset: QuerySet, start_field: str, end_field: str, group_by: str | None, minus_paused: bool
) -> tuple[np.ndarray, dict[str, list]] | None:
    """The business durations of ``queryset`` and the dimension columns beside them (every
    dimension within a batch, else only ``group_by``'s); None when no priority has business
    hours. One query, read with the database cursor (no model rows)."""
    calendars = priority_calendars()
    if not calendars:
        return None
    batch = _BATCH.get()
    dimensions = list(DIMENSION_FIELDS) if batch is not None else [group_by] if group_by else []
    epoch = Value(EPOCH, output_field=DateTimeField())
    query = (
        queryset.order_by()
        .filter(**{f"{start_field}__isnull": False, f"{end_field}__isnull": False})
        .annotate(business_from=SecondsBetween(start_field, epoch), business_to=SecondsBetween(end_field, epoch))
        .values_list(
            "business_from",
            "business_to",
            "priority",
            "sla_paused_minutes",
            *(DIMENSION_FIELDS[name] for name in dimensions),
        )
        .query
    )
    sql, params = query.sql_with_params()
    key = (sql, tuple(params), minus_paused)
    if batch is not None and key in batch:
        return batch[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = list(zip(*cursor.fetchall(), strict=True))
    if not columns:
        measured = (np.zeros(0), {})
    else:
        starts, ends, priorities, paused, *groups = columns
        durations = business_durations(
            np.array(starts, dtype=float), np.array(ends, dtype=float), priorities, calendars
        )
        if minus_paused:
            durations = np.maximum(durations - 60.0 * np.array(paused, dtype=float), 0.0)
        measured = (durations, dict(zip(dimensions, groups, strict=True)))
    if batch is not None:
        batch[key] = measured
    return measured


def business_times(
    queryset: QuerySet, start_field: str, end_field: str, group_by: str | None, *, minus_paused: bool = False
) -> dict[str | None, dict[str, Any]]:
    """Count, mean, median and p90 of the business time from ``start_field`` to
    ``end_field`` over ``queryset`` (less ``sla_paused_minutes``, themselves business
    minutes, with ``minus_paused``), per value of the dimension ``group_by`` (``{None: …}``
    when not grouped). Empty when no priority has business hours: the figures would be the
    wall-clock ones."""
    measured = _measured(queryset, start_field, end_field, group_by, minus_paused)
    if measured is None or not len(measured[0]):
        return {}
    durations, groups = measured
    if group_by is None:
        return {None: _summary(durations)}
    keys, which = np.unique(np.array([group_key(group) for group in groups[group_by]], dtype=str), return_inverse=True)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(len(keys) + 1))
    return {str(key): _summary(durations[order[bounds[i] : bounds[i + 1]]]) for i, key in enumerate(keys)}
