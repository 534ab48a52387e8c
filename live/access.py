"""Who may read which event of the outbox (``helpdesk.models.Event``) on a live stream.

The check runs for every event and every subscriber, in memory, against a ``Reader``
taken when the stream opens and re-read at each heartbeat (a user deactivated or
stripped of the desk stops receiving within one heartbeat):

- ``staff`` events: desk users only;
- ``public`` events: desk users, and the customer the event concerns;
- ``recipient`` events: only the users the payload names in ``recipients``.
"""

from dataclasses import dataclass

from accounts.models import User
from helpdesk.models import EventVisibility
from tickets.permissions import is_desk_user


@dataclass(frozen=True)
class Reader:
    user_id: int
    is_desk: bool


@dataclass(frozen=True)
class LiveEvent:
    """The part of an event a stream needs; plain values, shared by every subscriber."""

    id: int
    type: str
    visibility: str
    ticket_id: int | None
    customer_id: int | None
    actor_id: int | None
    payload: dict


def reader_for(user: User) -> Reader | None:
    """None for people who may not open a stream (anonymous, deactivated)."""
    if not user.is_authenticated or not user.is_active:
        return None
    return Reader(user_id=user.pk, is_desk=is_desk_user(user))


def event_visible(reader: Reader, event: LiveEvent) -> bool:
    if event.visibility == EventVisibility.STAFF:
        return reader.is_desk
    if event.visibility == EventVisibility.PUBLIC:
        return reader.is_desk or event.customer_id == reader.user_id
    if event.visibility == EventVisibility.RECIPIENT:
        return reader.user_id in (event.payload.get("recipients") or ())
    return False
