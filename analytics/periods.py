"""Calendar periods of the snapshots, in the site's time zone: a day, an ISO week
(Monday to Monday) or a calendar month."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .metrics import Period
from .models import Granularity


def period_first_day(granularity: str, day: date) -> date:
    """The first day of the period of ``granularity`` holding ``day``."""
    if granularity == Granularity.DAY:
        return day
    if granularity == Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    raise ValueError(f"Unknown granularity: {granularity!r}")


def period_shift(granularity: str, first_day: date, offset: int) -> date:
    """The first day of the period ``offset`` periods after the one starting ``first_day``."""
    if granularity == Granularity.DAY:
        return first_day + timedelta(days=offset)
    if granularity == Granularity.WEEK:
        return first_day + timedelta(weeks=offset)
    index = first_day.year * 12 + first_day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def period_of(granularity: str, day: date) -> Period:
    first = period_first_day(granularity, day)
    return Period(start=_midnight(first), end=_midnight(period_shift(granularity, first, 1)))


def period_relative(granularity: str, offset: int, *, today: date | None = None) -> Period:
    """The current period (offset 0), the previous one (−1)..., as of ``today``."""
    first = period_first_day(granularity, today or timezone.localdate())
    return period_of(granularity, period_shift(granularity, first, offset))


def periods_between(granularity: str, first: date, last: date) -> list[Period]:
    """Every period of ``granularity`` that holds a day from ``first`` to ``last``."""
    periods = []
    day = period_first_day(granularity, first)
    while day <= last:
        periods.append(period_of(granularity, day))
        day = period_shift(granularity, day, 1)
    return periods


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
