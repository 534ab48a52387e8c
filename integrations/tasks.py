"""Celery tasks of the platform connection: thin, by id."""

from celery import Task, shared_task

from .services.sso import used_tokens_purge
from .webhooks import DeliveryFailed, retry_countdown, webhook_deliver, webhook_delivery_given_up

# Attempts of one webhook delivery before it is marked failed (about 4 hours of backoff).
WEBHOOK_MAX_RETRIES = 8


@shared_task(bind=True, ignore_result=True, max_retries=WEBHOOK_MAX_RETRIES)
def webhook_deliver_task(self: Task, delivery_id: int) -> None:
    try:
        webhook_deliver(delivery_id=delivery_id)
    except DeliveryFailed as exc:
        if self.request.retries >= WEBHOOK_MAX_RETRIES:
            webhook_delivery_given_up(delivery_id=delivery_id)
            return
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(ignore_result=True)
def used_tokens_purge_task() -> int:
    """Daily: forget the ids of sign-in tokens that have expired (they cannot be replayed)."""
    return used_tokens_purge()
