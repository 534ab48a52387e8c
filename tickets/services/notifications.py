"""The one way anything tells a person about a ticket. In-app for now; the email channel
hooks in here (rendered in the recipient's language by a Celery task)."""

from collections.abc import Iterable
from typing import Any

from accounts.models import Role, User

from ..models import Notification, Ticket


def notify(*, recipient: User, type: str, ticket: Ticket | None = None, **data: Any) -> Notification:
    return Notification.objects.create(recipient=recipient, type=type, ticket=ticket, data=data)


def notify_many(*, recipients: Iterable[User], type: str, ticket: Ticket | None = None, **data: Any) -> int:
    rows = [Notification(recipient=r, type=type, ticket=ticket, data=data) for r in recipients]
    Notification.objects.bulk_create(rows)
    return len(rows)


def managers() -> list[User]:
    return list(User.objects.filter(groups__name=Role.MANAGER, is_active=True).distinct())
