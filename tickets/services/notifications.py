"""The one way anything tells a person about a ticket: an in-app notification, and the
same by email. Each call records a ``tickets.notification.created`` event in the outbox;
its consumer (``tickets.consumers``) enqueues the mails, rendered in the recipient's
language by a Celery task (``tickets.email.outbound``)."""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from accounts.models import Role, User
from helpdesk.events import event_record
from helpdesk.models import EventVisibility
from helpdesk.precompiled import rows_insert

from ..models import Notification, Ticket


def _event(rows: list[Notification], ticket: Ticket | None) -> None:
    rows = [row for row in rows if row.pk is not None]
    if rows:
        event_record(
            "tickets.notification.created",
            visibility=EventVisibility.RECIPIENT,
            ticket_id=ticket.pk if ticket is not None else None,
            customer_id=ticket.customer_id if ticket is not None else None,
            ids=[row.pk for row in rows],
            recipients=[row.recipient_id for row in rows],
        )


def notify(*, recipient: User, type: str, ticket: Ticket | None = None, **data: Any) -> Notification:
    notification = Notification.objects.create(recipient=recipient, type=type, ticket=ticket, data=data)
    _event([notification], ticket)
    return notification


def notifications_mark_read(*, recipient_id: int, ticket_id: int | None = None) -> int:
    """The recipient has seen their notifications (of one ticket, when given)."""
    unread = Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
    if ticket_id is not None:
        unread = unread.filter(ticket_id=ticket_id)
    return unread.update(read_at=timezone.now())


def notify_many(*, recipients: Iterable[User], type: str, ticket: Ticket | None = None, **data: Any) -> int:
    return notifications_add(
        rows=[Notification(recipient=r, type=type, ticket=ticket, data=data) for r in recipients], ticket=ticket
    )


def notifications_add(*, rows: list[Notification], ticket: Ticket | None = None) -> int:
    """Write notifications of any types about one ticket in one INSERT, with one event."""
    rows_insert(rows)  # compiled once (helpdesk.precompiled)
    _event(rows, ticket)
    return len(rows)


def managers() -> list[User]:
    return list(User.objects.filter(groups__name=Role.MANAGER, is_active=True).distinct())
