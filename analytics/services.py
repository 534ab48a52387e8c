"""Writes of the analytics app: computing and storing report snapshots."""

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from helpdesk.events import task_enqueue

from . import metrics
from .metrics import Period
from .metrics.business_time import business_time_batch
from .models import Dimension, ReportRun, ReportSnapshot, StaffingForecast
from .periods import period_span_before

logger = logging.getLogger(__name__)

# A computation holds its period's lock as a lease of LOCK_SECONDS, renewed every
# LOCK_RENEW_SECONDS while it runs: a worker that is killed lets go within a minute, and
# the period is computed again by the next run (a manager's refresh waits for it).
LOCK_SECONDS = 60
LOCK_RENEW_SECONDS = 20


def _ticket_metrics(period: Period, group_by: str | None) -> dict[str, Any]:
    return {
        "volume": metrics.volume(period=period, group_by=group_by),
        "first_response": metrics.first_response_time(period=period, group_by=group_by),
        "auto_answer": metrics.auto_answer_time(period=period, group_by=group_by),
        "resolution": metrics.resolution_time(period=period, group_by=group_by),
        "sla": metrics.sla_compliance(period=period, group_by=group_by),
        "escalation": metrics.escalation(period=period, group_by=group_by),
        "deflection": metrics.deflection(period=period, group_by=group_by),
        "csat": metrics.csat(period=period, group_by=group_by),
    }


def _headline_metrics(period: Period) -> dict[str, Any]:
    """The overall figures the overview, the digests and the alerts compare."""
    return {
        **_ticket_metrics(period, None),
        "nps": metrics.nps(period=period),
        "churn": metrics.churn(period=period),
        "clv": metrics.clv(period=period),
    }


def report_snapshot_data(*, period: Period, granularity: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """Every metric of ``period``: ``{(dimension, key): data}``. The overall figures hold
    every metric; each dimension value holds the ticket metrics that have data for it, and
    each course also its buyers' churn, repurchase and CLV.

    A period not over yet (this month so far) also holds, under ``previous_span``, the
    headline figures of the same span at the start of the period before, so that the pages
    never set a partial period against a whole one."""
    with business_time_batch():
        return _snapshot_rows(period=period, granularity=granularity)


def _snapshot_rows(*, period: Period, granularity: str | None) -> dict[tuple[str, str], dict[str, Any]]:
    now = timezone.now()
    overall = _ticket_metrics(period, None)
    overall.update(
        csat_comments=metrics.csat_comments(period=period),
        help_center=metrics.help_center_deflection(period=period),
        content_gaps=metrics.content_gaps(period=period),
        nps=metrics.nps(period=period),
        nps_comments=metrics.nps_comments(period=period),
        churn=metrics.churn(period=period),
        repurchase=metrics.repurchase(period=period),
        clv=metrics.clv(period=period),
        cohorts=metrics.cohort_retention(end=period.end),
        segments=metrics.learner_segments(end=period.end),
    )
    if granularity is not None and period.start < now < period.end:
        span = period_span_before(period, granularity=granularity, until=now)
        overall["as_of"] = now.isoformat()
        overall["previous_span"] = {"start": span.start.isoformat(), "end": span.end.isoformat()}
        overall["previous_span"].update(_headline_metrics(span))
    rows: dict[tuple[str, str], dict[str, Any]] = {(Dimension.OVERALL, ""): overall}
    for dimension in metrics.DIMENSION_FIELDS:
        for name, by_key in _ticket_metrics(period, dimension).items():
            for key, value in by_key.items():
                rows.setdefault((dimension, key), {})[name] = value
    for key, figures in metrics.customers_by_course(period=period).items():
        rows.setdefault((Dimension.COURSE, key), {}).update(figures)
    return rows


class _Renewal:
    """Calls ``renew`` every LOCK_RENEW_SECONDS in a thread until stopped."""

    def __init__(self, renew: Any) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(renew,), daemon=True, name="report-lock-renewal")

    def _run(self, renew: Any) -> None:
        try:
            while not self._stop.wait(LOCK_RENEW_SECONDS):
                renew()
        finally:
            connections.close_all()  # the thread's own database connection, if it opened one

    def __enter__(self) -> "_Renewal":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def _redis_lock(name: str) -> Iterator[bool]:
    import redis

    lock = redis.Redis.from_url(settings.REDIS_URL).lock(f"helpdesk:{name}", timeout=LOCK_SECONDS, blocking=False)
    acquired = lock.acquire(blocking=False)
    if not acquired:
        yield False
        return
    try:
        with _Renewal(lambda: lock.reacquire()):
            yield True
    finally:
        lock.release()


@contextmanager
def _database_lock(run: ReportRun) -> Iterator[bool]:
    """A lease on the run's row: one conditional UPDATE takes it (atomic on every
    database), renewals push it on, and it expires on its own if its holder dies."""
    now = timezone.now()
    holder = uuid.uuid4().hex
    taken = ReportRun.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now), pk=run.pk).update(
        locked_until=now + timedelta(seconds=LOCK_SECONDS), locked_by=holder
    )
    if not taken:
        yield False
        return

    def renew() -> None:
        ReportRun.objects.filter(pk=run.pk, locked_by=holder).update(
            locked_until=timezone.now() + timedelta(seconds=LOCK_SECONDS)
        )

    try:
        with _Renewal(renew):
            yield True
    finally:
        ReportRun.objects.filter(pk=run.pk, locked_by=holder).update(locked_until=None, locked_by="")


@contextmanager
def report_period_lock(*, granularity: str, period: Period) -> Iterator[bool]:
    """Yields whether this caller holds the lock of the period: in Redis when
    ``REDIS_URL`` is set, else on the period's ``ReportRun`` row in the database."""
    run, _ = ReportRun.objects.get_or_create(granularity=granularity, start=period.start)
    if settings.REDIS_URL:
        with _redis_lock(f"report:{granularity}:{period.start.isoformat()}") as held:
            yield held
    else:
        with _database_lock(run) as held:
            yield held


def report_snapshot_compute(*, granularity: str, period: Period) -> bool:
    """Compute every snapshot of one period and replace the stored ones.

    Idempotent: running it again replaces the same rows. Returns False, computing nothing,
    when another worker holds the period's lock (it is computing the same snapshots).
    The metrics are read before the write transaction; the replacement is atomic.
    """
    with report_period_lock(granularity=granularity, period=period) as held:
        if not held:
            logger.info("Report %s %s is being computed elsewhere; skipped.", granularity, period.start)
            return False
        began = time.monotonic()
        rows = report_snapshot_data(period=period, granularity=granularity)
        now = timezone.now()
        with transaction.atomic():
            ReportSnapshot.objects.filter(granularity=granularity, start=period.start).delete()
            ReportSnapshot.objects.bulk_create(
                ReportSnapshot(
                    granularity=granularity,
                    start=period.start,
                    end=period.end,
                    dimension=dimension,
                    key=key,
                    data=data,
                    computed_at=now,
                )
                for (dimension, key), data in rows.items()
            )
            ReportRun.objects.filter(granularity=granularity, start=period.start).update(
                computed_at=now, duration_ms=int((time.monotonic() - began) * 1000), runs=F("runs") + 1
            )
    return True


def staffing_forecast_compute(*, today: date | None = None) -> StaffingForecast:
    """Compute this week's staffing forecast (``staffing.staffing_forecast_data``) and store
    it in place of the week's stored one. Idempotent: the week's row is replaced."""
    from .staffing import staffing_forecast_data

    data = staffing_forecast_data(today=today)
    forecast, _ = StaffingForecast.objects.update_or_create(
        week_start=data.pop("week_start"), defaults={**data, "computed_at": timezone.now()}
    )
    return forecast


def report_refresh_request(*, granularity: str, day: date) -> None:
    """Queue the computation of the period of ``granularity`` holding ``day``, once the
    current transaction commits."""
    from .tasks import report_snapshot_compute_task

    task_enqueue(report_snapshot_compute_task, granularity=granularity, day=day.isoformat())
