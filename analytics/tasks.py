"""Scheduled report snapshots. Thin: work out the period, call the service."""

import logging
from datetime import date

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .periods import period_of, period_relative
from .services import LOCK_SECONDS, report_snapshot_compute

logger = logging.getLogger(__name__)

# How many times a manager's refresh waits for another run of the same period.
REFRESH_WAITS = 5

# Transient failures worth a retry: the database or the lock's Redis went away for a moment.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    TRANSIENT_ERRORS += (RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover - redis is a dependency
    pass


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:  # noqa: ANN001
        """Retries exhausted or a permanent error: say which period stays stale; the next
        scheduled run (or a manager's refresh) computes it again."""
        logger.error("Report snapshot %s failed for good: %r", kwargs or args, exc)


# Every stored report: retried on transient errors, logged when it fails for good.
REPORT_TASK_OPTIONS = {
    "base": ReportTask,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "max_retries": 3,
    "ignore_result": True,
}


@shared_task(bind=True, **REPORT_TASK_OPTIONS)
def report_snapshot_compute_task(self: Task, granularity: str, offset: int = 0, day: str | None = None) -> bool:
    """Compute the snapshots of one period: the one holding ``day`` (ISO date) if given,
    else the period ``offset`` periods from the current one (0 today/this week/this month/
    the last 30 days, −1 yesterday/last week/last month/the 30 days before). Idempotent;
    skipped while another run holds the period's lock. Returns whether it computed."""
    period = period_of(granularity, date.fromisoformat(day)) if day else period_relative(granularity, offset)
    computed = report_snapshot_compute(granularity=granularity, period=period)
    if not computed and day and self.request.retries < REFRESH_WAITS:
        # A manager's refresh is not dropped: it runs again once the other run is done
        # (or its lease has expired, if that worker died).
        raise self.retry(countdown=LOCK_SECONDS, max_retries=REFRESH_WAITS)
    return computed


@shared_task(**REPORT_TASK_OPTIONS)
def staffing_forecast_compute_task() -> str:
    """Store this week's staffing forecast (idempotent: the week's row is replaced).
    Returns the week's first day."""
    from .services import staffing_forecast_compute

    return f"{staffing_forecast_compute().week_start:%Y-%m-%d}"


@shared_task(ignore_result=True)
def report_digests_send_task(frequency: str) -> int:
    """Mail every manager's digest of ``frequency`` (day, week, month) not sent yet for the
    last whole period. Idempotent: a period is sent once per subscription."""
    from .notifications import digests_send_due

    return digests_send_due(frequency=frequency)


@shared_task(ignore_result=True)
def report_alerts_check_task() -> int:
    """Evaluate every alert; mail the ones that start firing (once per crossing)."""
    from .notifications import alerts_check

    return alerts_check()
