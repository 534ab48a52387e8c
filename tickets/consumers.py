"""Consumers of domain events owned by tickets (registered in ``TicketsConfig.ready``)."""

from django.conf import settings
from django.db.models import F

from helpdesk.events import consumer
from helpdesk.models import Event


@consumer("tickets.notification-mails", types=["tickets.notification.created"])
def notification_mails_enqueue(event: Event) -> None:
    """One mail task per notification; sending is idempotent per notification."""
    if not settings.HELPDESK_EMAIL_NOTIFICATIONS:
        return
    from .choices import Channel
    from .models import Notification
    from .tasks import notification_email_send_task

    ids = event.payload.get("ids", [])
    # A live chat's customer reads the agent in the chat widget: their mail waits, and goes
    # only if the notification is still unread then (notification_email_send).
    waiting = set(
        Notification.objects.filter(
            pk__in=ids, ticket__channel=Channel.CHAT, recipient_id=F("ticket__customer_id")
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        if pk in waiting:
            notification_email_send_task.apply_async((pk,), countdown=settings.HELPDESK_CHAT_EMAIL_DELAY_SECONDS)
        else:
            notification_email_send_task.delay(pk)
