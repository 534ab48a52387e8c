from celery import Task, shared_task

from .services import heartbeat_record


@shared_task(bind=True, ignore_result=True)
def heartbeat_record_task(self: Task) -> None:
    """Scheduled every minute: proves that the worker and beat run."""
    heartbeat_record(hostname=self.request.hostname or "unknown")
