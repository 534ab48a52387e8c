"""Presence on a ticket page: who is viewing it, who is typing a reply.

Presence is an event in the outbox table like any other, so it reaches every web process
the same way (Redis wake-up or polling), but it has no consumers: it is written already
dispatched. A viewer's page repeats "viewing" every ``PRESENCE_REFRESH_SECONDS``; the
others drop a viewer not heard from for ``PRESENCE_TTL_SECONDS`` (a closed laptop).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from accounts.models import User
from helpdesk.events import events_wake
from helpdesk.models import Event, EventVisibility
from tickets.models import Ticket

PRESENCE_TYPE = "live.presence"
PRESENCE_REFRESH_SECONDS = 20
PRESENCE_TTL_SECONDS = 45
# Presence rows are kept this long (hours), then deleted by the nightly prune: a resuming
# stream needs them for seconds, nobody reads them later.
PRESENCE_KEEP_HOURS = 24


class PresenceState(TextChoices):
    VIEWING = "viewing", pgettext_lazy("presence", "viewing")
    TYPING = "typing", pgettext_lazy("presence", "typing")
    LEFT = "left", pgettext_lazy("presence", "left")


def live_event_record(
    *,
    type: str,
    visibility: str,
    ticket_id: int | None,
    customer_id: int | None = None,
    actor_id: int | None = None,
    payload: dict,
) -> Event:
    """An event only the live streams read (presence, typing, read receipts): written
    already dispatched, since no consumer acts on it, and announced to the streams."""
    event = Event.objects.create(
        type=type,
        visibility=visibility,
        ticket_id=ticket_id,
        customer_id=customer_id,
        actor_id=actor_id,
        payload=payload,
        dispatched_at=timezone.now(),
    )
    transaction.on_commit(events_wake)
    return event


def live_events_prune(*, types: tuple[str, ...], keep_hours: int, now=None) -> int:
    """Delete live-only events of ``types`` older than ``keep_hours``. Idempotent."""
    now = now or timezone.now()
    deleted, _ = Event.objects.filter(type__in=types, created_at__lt=now - timedelta(hours=keep_hours)).delete()
    return deleted


def presence_record(*, ticket: Ticket, user: User, state: str) -> Event:
    """Record that ``user`` is viewing, typing on or has left ``ticket`` (staff only)."""
    return live_event_record(
        type=PRESENCE_TYPE,
        visibility=EventVisibility.STAFF,
        ticket_id=ticket.pk,
        actor_id=user.pk,
        payload={"state": state, "name": str(user)},
    )


def presence_on_ticket(*, ticket: Ticket, exclude: User | None = None, now=None) -> list[dict]:
    """The people on ``ticket`` now, each with their latest state (leavers dropped)."""
    now = now or timezone.now()
    rows = (
        Event.objects.filter(
            ticket_id=ticket.pk, type=PRESENCE_TYPE, created_at__gte=now - timedelta(seconds=PRESENCE_TTL_SECONDS)
        )
        .order_by("pk")
        .values("actor_id", "payload", "created_at")
    )
    latest: dict[int, dict] = {}
    for row in rows:
        latest[row["actor_id"]] = row
    people = []
    for actor_id, row in sorted(latest.items()):
        if row["payload"].get("state") == PresenceState.LEFT or (exclude is not None and actor_id == exclude.pk):
            continue
        people.append({"user_id": actor_id, "name": row["payload"].get("name", ""), "state": row["payload"]["state"]})
    return people


def presence_prune(*, now=None) -> int:
    """Delete presence events older than ``PRESENCE_KEEP_HOURS``. Idempotent."""
    return live_events_prune(types=(PRESENCE_TYPE,), keep_hours=PRESENCE_KEEP_HOURS, now=now)
