from celery import Task, shared_task

from .services import heartbeat_record


@shared_task(bind=True, ignore_result=True)
def heartbeat_record_task(self: Task) -> None:
    """Scheduled every minute: proves that the worker and beat run."""
    heartbeat_record(hostname=self.request.hostname or "unknown")


@shared_task(ignore_result=True)
def event_dispatch_task(event_ids: list[int]) -> int:
    """Enqueued after the commit that recorded these events: hand them to their consumers."""
    from .events import events_dispatch

    return events_dispatch(event_ids)


@shared_task(ignore_result=True)
def events_drain_task() -> int:
    """Queued after commits while no drain was queued: every pending event to its consumers
    (``helpdesk.events.events_drain_request``)."""
    from .events import events_drain

    return events_drain()


@shared_task(ignore_result=True)
def events_dispatch_pending_task(grace_seconds: int | None = None) -> int:
    """Scheduled every minute: deliver events whose dispatch never reached a worker (the
    broker was down at commit) or whose consumer failed and is due for a retry."""
    from .events import SWEEP_GRACE_SECONDS, events_dispatch_pending

    return events_dispatch_pending(grace_seconds=SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds)
