"""Periods of the snapshots, in the site's time zone: a day, an ISO week (Monday to
Monday), a calendar month, or 30 days: windows of 30 whole days counted back from today
(the last 30 days, the 30 before them...), so that the default view never sets a partial
period against a whole one."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .metrics import Period
from .models import Granularity

ROLLING_DAYS = 30


def period_first_day(granularity: str, day: date, *, today: date | None = None) -> date:
    """The first day of the period of ``granularity`` holding ``day``. A 30-day window
    holds days before ``today`` (default: the site's today); today itself and later days
    fall in the last window, the one that ends today."""
    if granularity == Granularity.ROLLING:
        today = today or timezone.localdate()
        index = max((today - day).days - 1, 0) // ROLLING_DAYS
        return today - timedelta(days=ROLLING_DAYS * (index + 1))
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
    if granularity == Granularity.ROLLING:
        return first_day + timedelta(days=ROLLING_DAYS * offset)
    if granularity == Granularity.WEEK:
        return first_day + timedelta(weeks=offset)
    index = first_day.year * 12 + first_day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def period_of(granularity: str, day: date, *, today: date | None = None) -> Period:
    first = period_first_day(granularity, day, today=today)
    return Period(start=midnight(first), end=midnight(period_shift(granularity, first, 1)))


def period_relative(granularity: str, offset: int, *, today: date | None = None) -> Period:
    """The current period (offset 0), the previous one (−1)..., as of ``today``. For 30
    days, the current period is the last 30 whole days."""
    today = today or timezone.localdate()
    first = period_first_day(granularity, today, today=today)
    return period_of(granularity, period_shift(granularity, first, offset), today=today)


def periods_between(granularity: str, first: date, last: date) -> list[Period]:
    """Every period of ``granularity`` that holds a day from ``first`` to ``last``."""
    periods = []
    day = period_first_day(granularity, first)
    # 30-day windows end today: none starts today or later.
    stop = timezone.localdate() if granularity == Granularity.ROLLING else None
    while day <= last and (stop is None or day < stop):
        periods.append(period_of(granularity, day))
        day = period_shift(granularity, day, 1)
    return periods


def period_span_before(period: Period, *, granularity: str, until: datetime) -> Period:
    """For a period not over at ``until``: the same span at the start of the period before
    (the first 2 days of November for the first 2 days of December), to compare like with
    like."""
    first = period_first_day(granularity, timezone.localtime(period.start).date())
    previous_start = midnight(period_shift(granularity, first, -1))
    return Period(start=previous_start, end=min(previous_start + (until - period.start), period.start))


def midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
