"""Business-hours SLA clock: pure functions, no database."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets.sla_clock import BusinessCalendar, add_business_minutes, business_minutes_between, china_calendar_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
WORKDAY = ((time(9), time(12)), (time(13), time(18)))  # 8 business hours


def shanghai_calendar(holidays: frozenset[date] = frozenset()) -> BusinessCalendar:
    return BusinessCalendar(tz=SHANGHAI, weekly=dict.fromkeys(range(5), WORKDAY), holidays=holidays)


def sh(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """2026 local Shanghai time; 2026-03-02 is a Monday."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


# A Berlin calendar open on Sundays 00:00-06:00 (across the DST switch) and weekdays 09:00-17:00.
BERLIN_CALENDAR = BusinessCalendar(
    tz=BERLIN,
    weekly={**dict.fromkeys(range(5), ((time(9), time(17)),)), 6: ((time(0), time(6)),)},
)


# --- no calendar: 24/7 -----------------------------------------------------------------------


def test_none_calendar_is_plain_addition_returned_in_utc():
    # given a start in Berlin winter time and no calendar
    start = datetime(2026, 3, 28, 23, 30, tzinfo=BERLIN)
    # when adding 90 minutes
    deadline = add_business_minutes(start, 90, None)
    # then it is wall-clock addition, expressed in UTC
    assert deadline == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert deadline.tzinfo is UTC


def test_none_calendar_adds_real_time_across_fall_back():
    # given 01:30 CEST on the fall-back night (23:30 UTC)
    start = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)
    # when adding 120 minutes without a calendar
    deadline = add_business_minutes(start, 120, None)
    # then two real hours pass (the repeated hour included), not two wall-clock hours
    assert deadline == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_none_calendar_between_is_wall_clock_minutes():
    # given two instants across the Berlin spring-forward night
    start = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 29, 6, 0, tzinfo=BERLIN)
    # when measuring without a calendar
    # then the real elapsed time counts (5 hours), and a reversed range is 0
    assert business_minutes_between(start, end, None) == 300
    assert business_minutes_between(end, start, None) == 0


# --- Shanghai 09:00-12:00 + 13:00-18:00, Monday-Friday ---------------------------------------


def test_start_before_opening_starts_the_clock_at_opening():
    # given Monday 07:30, before opening
    # when adding 30 business minutes
    deadline = add_business_minutes(sh(2, 7, 30), 30, shanghai_calendar())
    # then the deadline is 09:30 local, returned in UTC
    assert deadline == sh(2, 9, 30)
    assert deadline.tzinfo is UTC


def test_start_during_lunch_break_waits_until_afternoon():
    # given Monday 12:30, during the lunch break
    # when adding 60 business minutes
    deadline = add_business_minutes(sh(2, 12, 30), 60, shanghai_calendar())
    # then the clock ran from 13:00
    assert deadline == sh(2, 14, 0)


def test_work_spanning_the_lunch_break_skips_it():
    # given Monday 11:30
    # when adding 60 business minutes
    deadline = add_business_minutes(sh(2, 11, 30), 60, shanghai_calendar())
    # then 30 minutes before lunch and 30 after
    assert deadline == sh(2, 13, 30)


def test_friday_evening_rolls_to_monday():
    # given Friday 19:00 (after closing) and Friday 17:30 (half an hour before closing)
    calendar = shanghai_calendar()
    # when adding 60 business minutes to each
    # then the first lands Monday 10:00, the second Monday 09:30
    assert add_business_minutes(sh(6, 19), 60, calendar) == sh(9, 10)
    assert add_business_minutes(sh(6, 17, 30), 60, calendar) == sh(9, 9, 30)


def test_holiday_is_skipped_entirely():
    # given Monday 2026-03-09 is a holiday
    calendar = shanghai_calendar(frozenset({date(2026, 3, 9)}))
    # when adding 120 business minutes on Friday 17:00
    deadline = add_business_minutes(sh(6, 17), 120, calendar)
    # then one hour is used on Friday and the other on Tuesday
    assert deadline == sh(10, 10)
    assert business_minutes_between(sh(6, 17), sh(10, 10), calendar) == 120


def test_deadline_exactly_at_interval_end_stays_there():
    # given Monday 09:00
    calendar = shanghai_calendar()
    # when adding exactly the morning block and exactly the whole day
    # then the deadlines are 12:00 (not 13:00) and 18:00 Monday (not Tuesday 09:00)
    assert add_business_minutes(sh(2, 9), 180, calendar) == sh(2, 12)
    assert add_business_minutes(sh(2, 9), 480, calendar) == sh(2, 18)


def test_zero_minutes_returns_start_even_outside_hours():
    # given Saturday 10:00 in Shanghai, expressed in Berlin time
    start = sh(7, 10).astimezone(BERLIN)
    # when adding zero minutes
    deadline = add_business_minutes(start, 0, shanghai_calendar())
    # then nothing elapses: the start itself comes back, in UTC
    assert deadline == start
    assert deadline.tzinfo is UTC


def test_large_amount_is_computed_per_interval():
    # given Monday 09:00 and 30 * 24h of business minutes = 90 eight-hour days = 18 weeks
    # when adding them
    deadline = add_business_minutes(sh(2, 9), 60 * 24 * 30, shanghai_calendar())
    # then the deadline is the close of the 18th Friday
    assert deadline == datetime(2026, 7, 3, 18, tzinfo=SHANGHAI)


def test_between_counts_only_business_time():
    # given Friday 17:00 to Monday 10:00 and a range entirely on a weekend
    calendar = shanghai_calendar()
    # when measuring
    # then only Friday's last hour and Monday's first hour count, and the weekend is 0
    assert business_minutes_between(sh(6, 17), sh(9, 10), calendar) == 120
    assert business_minutes_between(sh(7, 9), sh(8, 18), calendar) == 0


# --- DST in Europe/Berlin (2026-03-29 spring forward, 2026-10-25 fall back) -------------------


def test_spring_forward_sunday_counts_the_missing_hour_as_absent():
    # given the Sunday 00:00-06:00 opening on the spring-forward day
    start = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 29, 6, 0, tzinfo=BERLIN)
    # when measuring it and adding to it
    # then the wall-clock interval holds 5 real hours
    assert business_minutes_between(start, end, BERLIN_CALENDAR) == 300
    assert add_business_minutes(datetime(2026, 3, 28, 12, tzinfo=BERLIN), 300, BERLIN_CALENDAR) == end
    # and two business hours after midnight is 03:00 CEST (02:00 does not exist)
    assert add_business_minutes(start, 120, BERLIN_CALENDAR) == datetime(2026, 3, 29, 3, tzinfo=BERLIN)


def test_fall_back_sunday_counts_the_repeated_hour():
    # given the Sunday 00:00-06:00 opening on the fall-back day
    start = datetime(2026, 10, 25, 0, 0, tzinfo=BERLIN)
    end = datetime(2026, 10, 25, 6, 0, tzinfo=BERLIN)
    # when measuring it
    # then it holds 7 real hours
    assert business_minutes_between(start, end, BERLIN_CALENDAR) == 420


def test_opening_inside_the_spring_forward_gap_does_not_exist():
    # given a Sunday opening 02:30-02:45 (nonexistent on 2026-03-29) and 03:00-04:00 CEST
    calendar = BusinessCalendar(tz=BERLIN, weekly={6: ((time(2, 30), time(2, 45)), (time(3), time(4)))})
    saturday, monday = datetime(2026, 3, 28, tzinfo=BERLIN), datetime(2026, 3, 30, tzinfo=BERLIN)
    # when measuring that Sunday and adding an hour from Saturday
    # then only the real hour 03:00-04:00 CEST counts, and nothing is counted twice
    assert business_minutes_between(saturday, monday, calendar) == 60
    assert add_business_minutes(saturday, 60, calendar) == datetime(2026, 3, 29, 4, tzinfo=BERLIN)


def test_deadline_across_dst_keeps_local_opening_hours():
    # given Friday 16:00 CET, just before the switch to summer time
    start = datetime(2026, 3, 27, 16, tzinfo=BERLIN)
    # when adding 1h (Friday) + 5h (the short Sunday) + 1h (Monday)
    deadline = add_business_minutes(start, 7 * 60, BERLIN_CALENDAR)
    # then Monday opens at 09:00 CEST, i.e. 07:00 UTC, so the deadline is 08:00 UTC
    assert deadline == datetime(2026, 3, 30, 8, tzinfo=UTC)


# --- consistency property ---------------------------------------------------------------------

AMOUNTS = [0, 0.5, 1, 59.25, 180, 479, 480, 1000, 2400, 12345.678]


@pytest.mark.parametrize(
    ("calendar", "first_start"),
    [
        (shanghai_calendar(frozenset({date(2026, 3, 9), date(2026, 3, 11)})), sh(1, 0)),
        (BERLIN_CALENDAR, datetime(2026, 3, 20, 0, tzinfo=BERLIN)),
        (BERLIN_CALENDAR, datetime(2026, 10, 16, 0, tzinfo=BERLIN)),
    ],
    ids=["shanghai-holidays", "berlin-spring-forward", "berlin-fall-back"],
)
def test_between_inverts_add_over_a_grid(calendar, first_start):
    # given starts every 37 minutes over two weeks and a range of amounts
    starts = [first_start + timedelta(minutes=37 * i) for i in range(14 * 24 * 60 // 37)]
    for start in starts:
        for minutes in AMOUNTS:
            # when adding and measuring back
            deadline = add_business_minutes(start, minutes, calendar)
            # then the same amount of business time lies in between, and time never runs backwards
            assert abs(business_minutes_between(start, deadline, calendar) - minutes) < 1e-6, (start, minutes)
            assert deadline >= start


# --- validation -------------------------------------------------------------------------------


def test_from_json_builds_the_calendar():
    # given a JSON description with a holiday and an end-of-day interval
    payload = {
        "timezone": "Asia/Shanghai",
        "weekly": {"0": [["13:00", "18:00"], ["09:00", "12:00"]], "5": [["20:00", "24:00"]]},
        "holidays": ["2026-10-01"],
    }
    # when parsing it
    calendar = BusinessCalendar.from_json(**payload)
    # then intervals are sorted times, "24:00" means end of day, holidays are dates
    assert calendar.tz == SHANGHAI
    assert calendar.weekly == {0: WORKDAY, 5: ((time(20), time(0)),)}
    assert calendar.holidays == frozenset({date(2026, 10, 1)})
    assert business_minutes_between(sh(7, 19), sh(8, 1), calendar) == 240


@pytest.mark.parametrize(
    ("timezone", "weekly", "holidays", "message"),
    [
        ("Asia/Shanghai", {"0": [["9am", "18:00"]]}, [], "invalid time '9am'"),
        ("Asia/Shanghai", {"0": [["09:00", "25:00"]]}, [], "hour must be 00-23"),
        ("Asia/Shanghai", {"0": [["18:00", "09:00"]]}, [], "must be after start"),
        ("Asia/Shanghai", {"0": [["09:00", "09:00"]]}, [], "must be after start"),
        ("Asia/Shanghai", {"0": [["09:00", "00:00"]]}, [], "use '24:00'"),
        ("Asia/Shanghai", {"0": [["09:00", "13:00"], ["12:00", "18:00"]]}, [], "overlaps"),
        ("Asia/Shanghai", {"0": [["09:00"]]}, [], "must be \\[start, end\\]"),
        ("Mars/Olympus", {}, [], "unknown timezone 'Mars/Olympus'"),
        ("", {}, [], "unknown timezone"),
        ("Asia/Shanghai", {"7": [["09:00", "18:00"]]}, [], "weekday key"),
        ("Asia/Shanghai", {"-1": []}, [], "weekday key"),
        ("Asia/Shanghai", {}, ["2026-13-01"], "invalid holiday '2026-13-01'"),
        ("Asia/Shanghai", {}, ["20261001"], "invalid holiday"),
    ],
)
def test_from_json_rejects_malformed_input(timezone, weekly, holidays, message):
    # given malformed calendar data
    # when parsing it
    # then a ValueError explains what is wrong
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_json(timezone=timezone, weekly=weekly, holidays=holidays)


def test_direct_construction_is_validated_too():
    # given a weekday outside 0..6
    # when building the calendar directly
    # then it is rejected like from_json would
    with pytest.raises(ValueError, match="weekday must be 0"):
        BusinessCalendar(tz=SHANGHAI, weekly={7: WORKDAY})


def test_naive_datetimes_are_rejected():
    # given a naive datetime
    naive = datetime(2026, 3, 2, 9)  # noqa: DTZ001 - deliberately naive
    # when using it as start or end
    # then a ValueError is raised
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(naive, 10, shanghai_calendar())
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(naive, 10, None)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_minutes_between(sh(2, 9), naive, shanghai_calendar())


@pytest.mark.parametrize("minutes", [-1, -0.001, float("nan"), float("inf")])
def test_negative_or_non_finite_minutes_are_rejected(minutes):
    # given a bad amount
    # when adding it
    # then a ValueError is raised
    with pytest.raises(ValueError, match="finite number >= 0"):
        add_business_minutes(sh(2, 9), minutes, shanghai_calendar())


def test_calendar_without_opening_hours_is_rejected():
    # given calendars with no opening hours at all
    # when adding any amount, even zero
    # then a ValueError is raised instead of looping forever
    for weekly in ({}, {0: (), 3: ()}):
        with pytest.raises(ValueError, match="no opening hours at all"):
            add_business_minutes(sh(2, 9), 0, BusinessCalendar(tz=SHANGHAI, weekly=weekly))
    # and measuring simply finds no business time
    assert business_minutes_between(sh(2, 9), sh(30, 9), BusinessCalendar(tz=SHANGHAI, weekly={})) == 0


def test_search_gives_up_after_years_of_closed_days():
    # given a Monday-only calendar whose every Monday for four years is a holiday
    mondays = frozenset(date(2026, 3, 2) + timedelta(weeks=w) for w in range(4 * 53))
    calendar = BusinessCalendar(tz=SHANGHAI, weekly={0: WORKDAY}, holidays=mondays)
    # when adding business time
    # then the search stops with a ValueError
    with pytest.raises(ValueError, match="consecutive days"):
        add_business_minutes(sh(2, 9), 1, calendar)


# Mainland China's calendar (chinesecalendar): the 2026 Spring Festival holiday runs from
# Sunday 15 to Monday 23 February, with make-up working days on Saturdays 14 and 28 February.
def china_calendar(**extra: object) -> BusinessCalendar:
    days_off, working, _years = china_calendar_days()
    weekly = {str(day): [["09:00", "18:00"]] for day in range(5)}
    return BusinessCalendar.from_json(
        timezone="Asia/Shanghai",
        weekly=weekly,
        holidays=extra.get("holidays", []),
        workdays=extra.get("workdays", []),
        extra_holidays=days_off,
        extra_workdays=working,
    )


def feb(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 2, day, hour, minute, tzinfo=SHANGHAI)


def test_china_calendar_covers_2026_with_its_spring_festival():
    days_off, working, years = china_calendar_days()
    assert 2026 in years
    assert {feb(day, 0).date() for day in range(15, 24)} <= days_off
    assert {feb(14, 0).date(), feb(28, 0).date()} <= working


def test_sla_clock_works_the_make_up_saturday_before_the_spring_festival():
    # Friday 13 February, 17:00: one hour that day, then the make-up Saturday opens at 09:00
    assert add_business_minutes(feb(13, 17), 120, china_calendar()) == feb(14, 10).astimezone(UTC)


def test_sla_clock_stops_through_the_spring_festival_holiday():
    # Saturday 14 February (working), 17:00: one hour, then closed from 15 to 23 February
    # (Monday 16 to Friday 20 and Monday 23 are holidays): next opening Tuesday 24, 09:00
    assert add_business_minutes(feb(14, 17), 120, china_calendar()) == feb(24, 10).astimezone(UTC)
    assert business_minutes_between(feb(13, 9), feb(24, 9), china_calendar()) == 2 * 540
    # without the China calendar the clock would run on 16–20 and 23 February
    plain = BusinessCalendar(tz=SHANGHAI, weekly=dict.fromkeys(range(5), ((time(9), time(18)),)))
    assert add_business_minutes(feb(14, 17), 120, plain) == feb(16, 11).astimezone(UTC)


def test_sla_clock_works_the_make_up_saturday_after_the_holiday():
    # Friday 27 February 17:00 to Monday 2 March 10:00: 60 + 540 (Saturday 28) + 60 minutes
    end = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
    assert business_minutes_between(feb(27, 17), end, china_calendar()) == 660


def test_company_closures_and_working_days_win_over_the_public_calendar():
    calendar = china_calendar(holidays=["2026-02-28"], workdays=["2026-02-17"])
    assert calendar.hours_on(feb(28, 0).date()) == ()  # the company closes its make-up Saturday
    assert calendar.hours_on(feb(17, 0).date()) == ((time(9), time(18)),)  # and works a holiday
