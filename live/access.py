"""Who may read which event of the outbox (``helpdesk.models.Event``) on a live stream.

The check runs in memory for every event and every distinct subscription (the hub asks
once for all the streams that share one, ``live.hub``), against a ``Reader`` taken when
the stream opens and re-read for every open stream at each heartbeat, in a few queries
(``subscriptions_recheck``): a user deactivated or stripped of the desk stops receiving
within one heartbeat.

- ``staff`` events: desk users only;
- ``public`` events: desk users, and the customer the event concerns;
- ``recipient`` events: only the users the payload names in ``recipients``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from helpdesk.models import EventVisibility
from tickets.models import Ticket
from tickets.permissions import can_view_ticket, is_desk_user


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


ASSIGNED_TYPE = "tickets.ticket.assigned"


def assigned_to(reader: Reader, event: LiveEvent) -> bool:
    """An assignment of a ticket to this reader (the desk's "assigned to you" notice)."""
    return event.type == ASSIGNED_TYPE and reader.is_desk and event.payload.get("to") == reader.user_id


@dataclass(frozen=True)
class Subscription:
    """What one stream asked for, for whom. Streams with equal subscriptions receive the
    same events: the hub filters and encodes once for all of them."""

    reader: Reader
    ticket_id: int | None
    desk: bool

    def wants(self, event: LiveEvent) -> bool:
        if self.ticket_id is not None:
            # One ticket's events, and the reader's own assignments (wherever they are).
            if event.ticket_id != self.ticket_id and not assigned_to(self.reader, event):
                return False
        elif not self.desk:
            # The reader's own stream: their tickets as a customer, what names them, and
            # for an agent the tickets assigned to them.
            mine = event.customer_id == self.reader.user_id or assigned_to(self.reader, event)
            if not mine and self.reader.user_id not in (event.payload.get("recipients") or ()):
                return False
        return event_visible(self.reader, event)


def event_json(event: LiveEvent, reader: Reader) -> dict[str, Any]:
    data: dict[str, Any] = {"id": event.id, "type": event.type, "ticket": event.ticket_id, "payload": event.payload}
    if reader.is_desk:
        data["actor"] = event.actor_id
    return data


def subscriptions_recheck(subscriptions: Iterable[Subscription]) -> dict[Subscription, Subscription | None]:
    """Re-read the readers of open streams: each subscription as it stands now (the
    reader's role may have changed), or None once they may no longer read it. Two queries
    whatever the number of streams, plus the permission look-ups per distinct reader."""
    subscriptions = list(subscriptions)
    users = User.objects.in_bulk({s.reader.user_id for s in subscriptions})
    tickets = Ticket.objects.only("pk", "customer_id").in_bulk({s.ticket_id for s in subscriptions if s.ticket_id})
    readers = {pk: reader_for(user) for pk, user in users.items()}
    verdicts: dict[Subscription, Subscription | None] = {}
    for subscription in subscriptions:
        reader = readers.get(subscription.reader.user_id)
        allowed = reader is not None and (reader.is_desk or not subscription.desk)
        if allowed and subscription.ticket_id is not None:
            ticket = tickets.get(subscription.ticket_id)
            allowed = ticket is not None and can_view_ticket(users[reader.user_id], ticket)
        verdicts[subscription] = (
            Subscription(reader=reader, ticket_id=subscription.ticket_id, desk=subscription.desk) if allowed else None
        )
    return verdicts
