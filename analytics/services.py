"""Writes of the analytics app: computing and storing report snapshots."""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import metrics
from .metrics import Period
from .models import Dimension, ReportRun, ReportSnapshot

logger = logging.getLogger(__name__)

# How long a computation may hold its lock before another worker may take over (seconds):
# longer than the task's hard time limit, so a live computation never loses it.
LOCK_SECONDS = 15 * 60


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


def report_snapshot_data(*, period: Period) -> dict[tuple[str, str], dict[str, Any]]:
    """Every metric of ``period``: ``{(dimension, key): data}``. The overall figures hold
    every metric; each dimension value holds the ticket metrics that have data for it, and
    each course also its buyers' churn, repurchase and CLV."""
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
    rows: dict[tuple[str, str], dict[str, Any]] = {(Dimension.OVERALL, ""): overall}
    for dimension in metrics.DIMENSION_FIELDS:
        for name, by_key in _ticket_metrics(period, dimension).items():
            for key, value in by_key.items():
                rows.setdefault((dimension, key), {})[name] = value
    for key, figures in metrics.customers_by_course(period=period).items():
        rows.setdefault((Dimension.COURSE, key), {}).update(figures)
    return rows


@contextmanager
def _redis_lock(name: str) -> Iterator[bool]:
    import redis

    lock = redis.Redis.from_url(settings.REDIS_URL).lock(f"helpdesk:{name}", timeout=LOCK_SECONDS, blocking=False)
    acquired = lock.acquire(blocking=False)
    try:
        yield bool(acquired)
    finally:
        if acquired:
            lock.release()


@contextmanager
def _database_lock(run: ReportRun) -> Iterator[bool]:
    """A lease on the run's row: one conditional UPDATE takes it (atomic on every
    database), and it expires on its own if its holder dies."""
    now = timezone.now()
    token = now + timedelta(seconds=LOCK_SECONDS)
    taken = ReportRun.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now), pk=run.pk).update(
        locked_until=token
    )
    try:
        yield bool(taken)
    finally:
        if taken:
            ReportRun.objects.filter(pk=run.pk, locked_until=token).update(locked_until=None)


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
        rows = report_snapshot_data(period=period)
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


def report_refresh_request(*, granularity: str, day: date) -> None:
    """Queue the computation of the period of ``granularity`` holding ``day``, once the
    current transaction commits."""
    from .tasks import report_snapshot_compute_task

    transaction.on_commit(lambda: report_snapshot_compute_task.delay(granularity=granularity, day=day.isoformat()))
