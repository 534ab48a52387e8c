"""Consumers of domain events owned by tickets (registered in ``TicketsConfig.ready``)."""

from django.conf import settings

from helpdesk.events import consumer
from helpdesk.models import Event


@consumer("tickets.notification-mails", types=["tickets.notification.created"])
def notification_mails_enqueue(event: Event) -> None:
    """One mail task per notification; sending is idempotent per notification."""
    if not settings.HELPDESK_EMAIL_NOTIFICATIONS:
        return
    from .tasks import notification_email_send_task

    for pk in event.payload.get("ids", []):
        notification_email_send_task.delay(pk)
