"""SLA deadlines measured in business hours.

Pure Python (no Django): a :class:`BusinessCalendar` describes weekly opening hours in a local
time zone plus closed days, and two functions convert between instants and business minutes.

Time-zone handling: opening intervals are built as *local wall times* made aware with the
calendar's zone and then compared in UTC, so a DST change inside an interval is counted in real
elapsed time (Europe/Berlin, Sunday 00:00-06:00 on 2026-03-29 is 5 hours, on 2026-10-25 it is 7).
Wall times that do not exist (spring-forward gap) resolve like zoneinfo's ``fold=0``; ambiguous
ones (fall-back) use their first occurrence. Intervals that collapse or overlap after that
resolution are clipped, so every real instant is counted at most once.

An interval ending at ``time(0)`` ends at midnight at the *end* of its day ("24:00" in JSON).

Closed days (``holidays``) win over everything; make-up working days (``workdays``, 调休)
open with ``workday_hours`` (by default the first weekday's hours from Monday to Friday)
even when their weekday is closed. ``china_calendar_days`` gives mainland China's official
ones from the chinesecalendar package.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[time, time]

# Consecutive days without any opening before we conclude a deadline can never be reached.
_MAX_CLOSED_DAYS = 3 * 366
_DAY = timedelta(days=1)


def _since_midnight(t: time, *, is_end: bool) -> timedelta:
    """Offset of `t` from midnight; an end of 00:00 means 24:00 (see module docstring)."""
    if is_end and t == time(0):
        return _DAY
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours per weekday (0 = Monday … 6 = Sunday) in local time of `tz`, plus closed days."""

    tz: ZoneInfo
    weekly: dict[int, tuple[Interval, ...]]  # a missing weekday = closed
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    workday_hours: tuple[Interval, ...] | None = None

    def __post_init__(self) -> None:
        """Validate here so directly built calendars are as safe as `from_json` ones; sort intervals."""
        normalized: dict[int, tuple[Interval, ...]] = {}
        for weekday, intervals in self.weekly.items():
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {weekday!r}")
            ordered = tuple(sorted(intervals, key=lambda iv: _since_midnight(iv[0], is_end=False)))
            previous_end: timedelta | None = None
            for start, end in ordered:
                if start.tzinfo is not None or end.tzinfo is not None:
                    raise ValueError(f"weekday {weekday}: opening times must be naive local times")
                lo, hi = _since_midnight(start, is_end=False), _since_midnight(end, is_end=True)
                if hi <= lo:
                    raise ValueError(f"weekday {weekday}: interval end {end} must be after start {start}")
                if previous_end is not None and lo < previous_end:
                    raise ValueError(f"weekday {weekday}: interval starting {start} overlaps the previous one")
                previous_end = hi
            normalized[weekday] = ordered
        object.__setattr__(self, "weekly", normalized)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        if self.workday_hours is None:
            weekday_hours = next((normalized[d] for d in range(5) if normalized.get(d)), ())
            object.__setattr__(self, "workday_hours", weekday_hours)

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """The opening intervals of ``day``: none on a closed day, the working-day hours on
        a make-up working day, else the weekday's."""
        if day in self.holidays:
            return ()
        if day in self.workdays:
            return self.workday_hours or ()
        return self.weekly.get(day.weekday(), ())

    @classmethod
    def from_json(
        cls,
        *,
        timezone: str,
        weekly: dict[str, list[list[str]]],
        holidays: list[str],
        workdays: list[str] | None = None,
        extra_holidays: frozenset[date] = frozenset(),
        extra_workdays: frozenset[date] = frozenset(),
    ) -> "BusinessCalendar":
        """Build from JSON-ish data: weekly keys "0".."6", intervals ["09:00", "18:00"], holidays
        and make-up working days "YYYY-MM-DD"; ``extra_*`` add dates (a public calendar).

        "24:00" is accepted as an interval end (end of day). Raises ValueError on malformed input.
        """
        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown timezone {timezone!r}") from None
        parsed: dict[int, tuple[Interval, ...]] = {}
        for key, intervals in weekly.items():
            if key not in {str(d) for d in range(7)}:
                raise ValueError(f"weekday key must be '0' (Monday) .. '6' (Sunday), got {key!r}")
            pairs: list[Interval] = []
            for interval in intervals:
                if not isinstance(interval, list | tuple) or len(interval) != 2:
                    raise ValueError(f"weekday {key}: interval must be [start, end], got {interval!r}")
                start, end = _parse_time(interval[0]), _parse_time(interval[1], is_end=True)
                pairs.append((start, end))
            parsed[int(key)] = tuple(pairs)
        # The company's own closures and working days win over the public calendar's.
        own_off, own_on = _parse_days(holidays, "holiday"), _parse_days(workdays or [], "working day")
        return cls(
            tz=tz,
            weekly=parsed,
            holidays=own_off | (extra_holidays - own_on),
            workdays=(own_on | extra_workdays) - own_off,
        )


def _parse_days(texts: list[str], what: str) -> frozenset[date]:
    days: set[date] = set()
    for text in texts:
        try:
            if not isinstance(text, str) or len(text) != 10:
                raise ValueError
            days.add(date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"invalid {what} {text!r}: expected 'YYYY-MM-DD'") from None
    return frozenset(days)


@cache
def china_calendar_days() -> tuple[frozenset[date], frozenset[date], range]:
    """Mainland China's official days off (weekends inside a holiday included) and make-up
    working days (调休) from the chinesecalendar package, and the years it covers. Years
    outside that range have no official dates here: the company adds them itself."""
    from chinese_calendar import constants

    days_off, working = frozenset(constants.holidays), frozenset(constants.workdays)
    return days_off, working, range(min(days_off).year, max(days_off).year + 1)


def _parse_time(text: str, *, is_end: bool = False) -> time:
    """Strict 'HH:MM'. "24:00" (ends only) becomes time(0); "00:00" as an end is rejected (end <= start)."""
    hh, sep, mm = text.partition(":") if isinstance(text, str) else ("", "", "")
    digits = hh + mm
    if not (sep and len(hh) == 2 and len(mm) == 2 and digits.isascii() and digits.isdigit()):
        raise ValueError(f"invalid time {text!r}: expected 'HH:MM'")
    if text == "24:00" and is_end:
        return time(0)
    if text == "00:00" and is_end:
        raise ValueError("interval end 00:00 must be after its start (use '24:00' for end of day)")
    try:
        return time(int(hh), int(mm))
    except ValueError:
        raise ValueError(f"invalid time {text!r}: hour must be 00-23 and minute 00-59") from None


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


def _open_intervals(
    start: datetime, calendar: BusinessCalendar, until: datetime | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """Yield UTC opening intervals at or after `start`, in order, clipped so none overlap or precede `start`.

    Without `until` the stream is endless, so after `_MAX_CLOSED_DAYS` days in a row with no
    opening it raises ValueError instead of spinning forever (e.g. every open day is a holiday).
    """
    tz = calendar.tz
    cursor = start.astimezone(UTC)
    # Begin a day early: cheap insurance against offsets/DST putting part of yesterday after `start`.
    day = cursor.astimezone(tz).date() - _DAY
    last_day = until.astimezone(tz).date() + _DAY if until is not None else None
    closed_streak = 0
    while last_day is None or day <= last_day:
        midnight = datetime.combine(day, time(0))  # naive local; made aware per boundary below
        opened = False
        todays = calendar.hours_on(day)
        # Sort in UTC: a wall time inside the spring-forward gap maps *later* than the gap's end,
        # so wall-clock order and real order can differ on that one day.
        for lo, hi in sorted(
            (
                (midnight + _since_midnight(open_at, is_end=False)).replace(tzinfo=tz).astimezone(UTC),
                (midnight + _since_midnight(close_at, is_end=True)).replace(tzinfo=tz).astimezone(UTC),
            )
            for open_at, close_at in todays
        ):
            lo = max(lo, cursor)
            if hi > lo:
                opened = True
                cursor = hi
                yield lo, hi
        closed_streak = 0 if opened else closed_streak + 1
        if last_day is None and closed_streak > _MAX_CLOSED_DAYS:
            raise ValueError(f"calendar has no opening hours in {_MAX_CLOSED_DAYS} consecutive days")
        day += _DAY


def add_business_minutes(start: datetime, minutes: float, calendar: BusinessCalendar | None) -> datetime:
    """The aware datetime (UTC) when `minutes` of business time have passed after `start`.

    calendar None means 24/7 (plain addition). Outside opening hours the clock starts at the next
    opening, but adding 0 minutes returns `start` itself (converted to UTC): nothing has to elapse.
    A deadline landing exactly at an interval end stays at that end. Raises ValueError for a naive
    datetime, negative or non-finite minutes, or a calendar with no opening hours at all (checked
    before the 0-minute shortcut, so a broken calendar always fails loudly).
    """
    _require_aware("start", start)
    if not 0 <= minutes < float("inf"):  # also rejects NaN
        raise ValueError(f"minutes must be a finite number >= 0, got {minutes!r}")
    if calendar is not None and not any(calendar.weekly.values()) and not calendar.workdays:
        raise ValueError("calendar has no opening hours at all; the deadline would never be reached")
    # Arithmetic and comparisons between datetimes sharing a tzinfo are wall-clock in Python
    # (ignoring DST offsets), so everything below happens in UTC.
    start = start.astimezone(UTC)
    remaining = timedelta(minutes=minutes)
    if calendar is None or not remaining:
        return start + remaining
    for lo, hi in _open_intervals(start, calendar):
        if remaining <= hi - lo:  # `<=` keeps an exact fit at `hi` instead of rolling over
            return lo + remaining
        remaining -= hi - lo
    raise AssertionError("unreachable: _open_intervals is endless without `until`")  # pragma: no cover


def business_minutes_between(start: datetime, end: datetime, calendar: BusinessCalendar | None) -> float:
    """Business minutes in [start, end); 0 if end <= start.

    calendar None means wall-clock minutes, i.e. real elapsed time (a DST night is not 60 min off).
    """
    _require_aware("start", start)
    _require_aware("end", end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)  # real, not wall-clock, differences
    if end <= start:
        return 0.0
    if calendar is None:
        return (end - start).total_seconds() / 60
    total = timedelta()
    for lo, hi in _open_intervals(start, calendar, until=end):
        if lo >= end:
            break
        total += min(hi, end) - lo
    return total.total_seconds() / 60


def open_intervals(start: datetime, end: datetime, calendar: BusinessCalendar) -> list[tuple[datetime, datetime]]:
    """The calendar's opening intervals (UTC) within [start, end), in order, clipped to it:
    what a caller measuring many durations at once (the reports) sums over."""
    _require_aware("start", start)
    _require_aware("end", end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    intervals = []
    for lo, hi in _open_intervals(start, calendar, until=end):
        if lo >= end:
            break
        intervals.append((lo, min(hi, end)))
    return intervals
