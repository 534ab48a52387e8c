"""The one way anything tells a person about a ticket: an in-app notification, and the
same by email (rendered in the recipient's language by a Celery task, enqueued once the
transaction commits; see ``tickets.email.outbound``)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import Role, User

from ..models import Notification, Ticket


def _email_on_commit(notification_ids: list[int]) -> None:
    if not settings.HELPDESK_EMAIL_NOTIFICATIONS or not notification_ids:
        return
    # tickets.tasks imports the services: imported here, when the first mail is due.
    from ..tasks import notification_email_send_task

    def enqueue() -> None:
        for pk in notification_ids:
            notification_email_send_task.delay(pk)

    transaction.on_commit(enqueue)


def notify(*, recipient: User, type: str, ticket: Ticket | None = None, **data: Any) -> Notification:
    notification = Notification.objects.create(recipient=recipient, type=type, ticket=ticket, data=data)
    _email_on_commit([notification.pk])
    return notification


def notify_many(*, recipients: Iterable[User], type: str, ticket: Ticket | None = None, **data: Any) -> int:
    rows = [Notification(recipient=r, type=type, ticket=ticket, data=data) for r in recipients]
    Notification.objects.bulk_create(rows)
    _email_on_commit([row.pk for row in rows if row.pk is not None])
    return len(rows)


def managers() -> list[User]:
    return list(User.objects.filter(groups__name=Role.MANAGER, is_active=True).distinct())
