"""Snapshots: computed per period and dimension, idempotent, locked, scheduled, backfilled."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CustomerFactory
from analytics.models import ReportRun, ReportSnapshot, StaffingForecast
from analytics.periods import period_of, period_relative, periods_between
from analytics.services import LOCK_SECONDS, report_period_lock, report_snapshot_compute
from analytics.tasks import report_snapshot_compute_task
from conftest import wait_until
from tickets.models import Channel, CSATResponse, Ticket

TZ = ZoneInfo("Asia/Shanghai")


def make_tickets(day: date) -> None:
    created = datetime(day.year, day.month, day.day, 10, tzinfo=TZ)
    for channel, minutes, rating in ((Channel.WEB, 4, 5), (Channel.EMAIL, 20, 3)):
        customer = CustomerFactory()
        ticket = Ticket.objects.create(
            subject="s",
            customer=customer,
            channel=channel,
            created_at=created,
            first_responded_at=created + timedelta(minutes=minutes),
            resolved_at=created + timedelta(hours=2),
        )
        CSATResponse.objects.create(
            ticket=ticket, customer=customer, rating=rating, created_at=created + timedelta(hours=3)
        )


def test_periods_are_local_days_iso_weeks_and_calendar_months():
    day = date(2026, 3, 11)  # a Wednesday
    assert period_of("day", day).start == datetime(2026, 3, 11, tzinfo=TZ)
    assert period_of("week", day).start == datetime(2026, 3, 9, tzinfo=TZ)
    assert period_of("week", day).end == datetime(2026, 3, 16, tzinfo=TZ)
    assert period_of("month", day).end == datetime(2026, 4, 1, tzinfo=TZ)
    assert period_relative("month", -1, today=date(2026, 1, 15)).start == datetime(2025, 12, 1, tzinfo=TZ)
    assert len(periods_between("month", date(2025, 12, 31), date(2026, 2, 1))) == 3


def test_30_day_windows_count_back_from_today_and_never_hold_today():
    from analytics.periods import period_span_before

    today = date(2026, 3, 31)
    last = period_relative("30d", 0, today=today)
    assert (last.start, last.end) == (datetime(2026, 3, 1, tzinfo=TZ), datetime(2026, 3, 31, tzinfo=TZ))
    before = period_relative("30d", -1, today=today)
    assert (before.start, before.end) == (datetime(2026, 1, 30, tzinfo=TZ), datetime(2026, 3, 1, tzinfo=TZ))
    assert period_of("30d", date(2026, 3, 1), today=today) == last
    assert period_of("30d", date(2026, 2, 28), today=today) == before
    assert period_of("30d", today, today=today) == last  # today is not over: the last window holds it
    # this month so far (2 days and 15 hours) against the same span at the start of last month
    span = period_span_before(
        period_of("month", date(2026, 3, 3)), granularity="month", until=datetime(2026, 3, 3, 15, tzinfo=TZ)
    )
    assert (span.start, span.end) == (datetime(2026, 2, 1, tzinfo=TZ), datetime(2026, 2, 3, 15, tzinfo=TZ))


@pytest.mark.django_db
def test_snapshot_holds_overall_and_each_dimension_and_rerun_replaces_it():
    # given two tickets on 10 March
    make_tickets(date(2026, 3, 10))
    period = period_of("day", date(2026, 3, 10))
    # when computed twice
    assert report_snapshot_compute(granularity="day", period=period)
    assert report_snapshot_compute(granularity="day", period=period)
    # then one row per dimension value, replaced not duplicated
    rows = {(s.dimension, s.key): s.data for s in ReportSnapshot.objects.all()}
    assert rows[("overall", "")]["volume"]["created"] == 2
    assert rows[("overall", "")]["csat"]["score"] == 50.0
    assert rows[("channel", "web")]["first_response"]["median_seconds"] == pytest.approx(240.0)
    assert rows[("channel", "email")]["csat"]["score"] == 0.0
    assert rows[("tier", "1")]["volume"]["created"] == 2
    assert ReportSnapshot.objects.filter(dimension="overall").count() == 1
    run = ReportRun.objects.get()
    assert run.runs == 2
    assert run.computed_at is not None


@pytest.mark.django_db
def test_a_period_being_computed_is_not_computed_twice_at_once():
    period = period_of("day", date(2026, 3, 10))
    with report_period_lock(granularity="day", period=period) as held:
        assert held
        # a second worker arriving meanwhile skips the period
        assert report_snapshot_compute(granularity="day", period=period) is False
        assert not ReportSnapshot.objects.exists()
    # once released, the next run computes it
    assert report_snapshot_compute(granularity="day", period=period) is True


@pytest.mark.django_db
def test_task_computes_the_period_relative_to_today():
    make_tickets(timezone.localdate())
    report_snapshot_compute_task.delay(granularity="day", offset=0)
    snapshot = ReportSnapshot.objects.get(dimension="overall")
    assert snapshot.start == period_relative("day", 0).start
    assert snapshot.data["volume"]["created"] == 2


def test_task_retries_transient_failures_only():
    assert OperationalError in report_snapshot_compute_task.autoretry_for
    assert report_snapshot_compute_task.max_retries == 3


@pytest.mark.django_db
def test_compute_reports_backfills_every_day_week_and_month():
    make_tickets(date(2026, 3, 10))
    out = StringIO()
    call_command("compute_reports", "--from", "2026-03-09", "--to", "2026-03-10", stdout=out)
    assert "4 periods computed" in out.getvalue()  # 9 and 10 March, the week of Monday 9 March, March
    starts = set(ReportSnapshot.objects.filter(dimension="overall").values_list("granularity", "start"))
    assert ("month", datetime(2026, 3, 1, tzinfo=TZ)) in starts
    assert ("week", datetime(2026, 3, 9, tzinfo=TZ)) in starts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-10", "--to", "2026-03-09"], "must not be before"),
        (["--from", "10/03/2026", "--to", "2026-03-09"], "YYYY-MM-DD"),
    ],
)
def test_compute_reports_refuses_bad_dates(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("compute_reports", *args)


SCHEDULED = {name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if name.startswith("reports-")}


def test_schedule_has_current_and_previous_periods_and_the_last_30_days():
    assert {(e["kwargs"]["granularity"], e["kwargs"]["offset"]) for e in SCHEDULED.values()} == {
        ("day", 0),
        ("day", -1),
        ("week", 0),
        ("week", -1),
        ("month", 0),
        ("month", -1),
        ("30d", 0),
        ("30d", -1),
    }


def _stored(model: type) -> int:
    """Rows of ``model``; -1 while the worker's write transaction locks SQLite (see below)."""
    try:
        return model.objects.count()
    except OperationalError:
        return -1


def _computed_runs() -> int:
    """Periods computed so far; while the worker's thread holds a write transaction, SQLite's
    shared in-memory test database refuses readers at once ("table is locked", no busy
    timeout): then ask again on the next poll."""
    try:
        return ReportRun.objects.filter(computed_at__isnull=False).count()
    except OperationalError:
        return -1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_scheduled_reports_run_through_a_real_worker(worker_app, manager_client):
    # given today's tickets and a real worker consuming from the broker
    make_tickets(timezone.localdate())
    worker_app.control.purge()  # the tickets' own events (mails, auto-answers) are not this test's
    with start_worker(worker_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # when beat's report entries are sent through the broker, as beat sends them
        for entry in SCHEDULED.values():
            worker_app.send_task(entry["task"], kwargs=entry["kwargs"])
        staffing = settings.CELERY_BEAT_SCHEDULE["staffing-forecast"]
        worker_app.send_task(staffing["task"], kwargs=staffing.get("kwargs", {}))
        # then the worker computes every period, and this week's staffing forecast
        assert wait_until(lambda: _computed_runs() == len(SCHEDULED), timeout=90)
        assert wait_until(lambda: _stored(StaffingForecast) == 1, timeout=60)
    today = ReportSnapshot.objects.get(granularity="day", start=period_relative("day", 0).start, dimension="overall")
    assert today.data["volume"]["created"] == 2
    # and the report pages show what the worker computed
    page = manager_client.get(reverse("reports:volume"), {"granularity": "day"})
    assert page.context["current"] == today
    assert page.context["tables"][0].rows[-1][1] == 2
    monthly = manager_client.get(reverse("reports:volume"), {"granularity": "month"})
    assert monthly.context["current"].start == period_relative("month", 0).start


@pytest.mark.django_db
def test_compute_reports_missing_skips_periods_already_computed():
    call_command(
        "compute_reports", "--from", "2026-03-10", "--to", "2026-03-10", "--granularity", "day", stdout=StringIO()
    )
    out = StringIO()
    call_command(
        "compute_reports", "--missing", "--from", "2026-03-09", "--to", "2026-03-10", "--granularity", "day", stdout=out
    )
    assert "1 periods computed" in out.getvalue()
    assert ReportRun.objects.get(start=datetime(2026, 3, 10, tzinfo=TZ)).runs == 1


@pytest.mark.django_db
def test_a_killed_workers_lock_lets_go_within_a_minute(settings):
    settings.REDIS_URL = ""  # the database lease (Redis locks expire on their own TTL, LOCK_SECONDS too)
    # given: a run's lease, left behind by a worker that was killed
    period = period_of("day", date(2026, 3, 10))
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        with report_period_lock(granularity="day", period=period) as held:
            assert held
            # the worker is killed here: its lease is never released
            ReportRun.objects.update(locked_until=timezone.now() + timedelta(seconds=LOCK_SECONDS), locked_by="dead")
        assert report_snapshot_compute(granularity="day", period=period) is False
    # when a minute has passed (the old lock held fifteen)
    with time_machine.travel(now + timedelta(seconds=61), tick=False):
        # then the next run computes the period
        assert report_snapshot_compute(granularity="day", period=period) is True


@pytest.mark.django_db(transaction=True)
def test_a_running_computation_keeps_renewing_its_lease(monkeypatch, settings):
    import analytics.services as services

    settings.REDIS_URL = ""
    monkeypatch.setattr(services, "LOCK_RENEW_SECONDS", 0.05)
    period = period_of("day", date(2026, 3, 10))
    with report_period_lock(granularity="day", period=period) as held:
        assert held
        first = ReportRun.objects.get().locked_until
        assert wait_until(lambda: ReportRun.objects.get().locked_until > first, timeout=10)
    assert ReportRun.objects.get().locked_until is None


@pytest.mark.django_db
def test_a_managers_refresh_waits_for_a_running_computation_instead_of_being_dropped():
    period = period_of("day", date(2026, 3, 10))
    # the task is asked to run again after the lease, rather than returning "skipped"
    with report_period_lock(granularity="day", period=period), pytest.raises(Retry, match="Retry in 60s"):
        report_snapshot_compute_task.apply(kwargs={"granularity": "day", "day": "2026-03-10"})
