from celery import shared_task

from .services import presence_prune


@shared_task(ignore_result=True)
def presence_prune_task() -> int:
    """Scheduled nightly: delete presence events older than a day."""
    return presence_prune()
