"""Helpers every ticket service uses: the row lock with the optimistic version check,
the versioned save, and the event trail."""

from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from helpdesk.events import event_record
from helpdesk.models import EventVisibility
from helpdesk.precompiled import rows_insert

from ..models import Status, Ticket, TicketEvent
from .errors import TicketConflict

# Trail entries that are also domain events in the outbox (helpdesk.events), delivered
# to consumers and webhook subscriptions, with who may read them.
OUTBOX_TYPES: dict[str, tuple[str, str]] = {
    "tickets.ticket.created": ("tickets.ticket.created", EventVisibility.PUBLIC),
    "tickets.ticket.status_changed": ("tickets.ticket.status_changed", EventVisibility.PUBLIC),
    "tickets.ticket.escalated": ("tickets.ticket.escalated", EventVisibility.STAFF),
    "tickets.ticket.assigned": ("tickets.ticket.assigned", EventVisibility.STAFF),
    "tickets.ticket.replied": ("tickets.message.created", EventVisibility.PUBLIC),
    "tickets.ticket.auto_answered": ("tickets.message.created", EventVisibility.PUBLIC),
    "tickets.refund.requested": ("tickets.refund.requested", EventVisibility.PUBLIC),
    "tickets.refund.approved": ("tickets.refund.approved", EventVisibility.PUBLIC),
    "tickets.refund.rejected": ("tickets.refund.rejected", EventVisibility.PUBLIC),
    "tickets.csat.recorded": ("tickets.csat.received", EventVisibility.PUBLIC),
}


def ticket_lock(*, ticket: Ticket | int, expected_version: int | None = None) -> Ticket:
    """Reload ``ticket`` with a row lock (``SELECT … FOR UPDATE``; SQLite serialises writers
    anyway). Call inside ``transaction.atomic``. Raises ``TicketConflict`` when the caller
    edited ``expected_version`` and someone has saved since."""
    pk = ticket if isinstance(ticket, int) else ticket.pk
    locked = Ticket.objects.select_for_update().get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise TicketConflict
    return locked


def ticket_save(ticket: Ticket, fields: list[str]) -> None:
    """Save ``fields`` and bump the optimistic-lock version. The row is locked by the caller."""
    ticket.version += 1
    ticket.save(update_fields=[*dict.fromkeys([*fields, "version", "updated_at"])])


def event_log(*, ticket: Ticket, type: str, actor: User | None = None, reason: str = "", **data: Any) -> TicketEvent:
    """Append one event to the ticket's trail. ``type`` is dotted: ``tickets.ticket.escalated``.
    The types in ``OUTBOX_TYPES`` are recorded as domain events too, in the same transaction
    (a status change to ``resolved`` also as ``tickets.ticket.resolved``)."""
    return event_log_many(ticket=ticket, entries=[TrailEntry(type=type, actor=actor, reason=reason, data=data)])[0]


@dataclass(frozen=True)
class TrailEntry:
    type: str
    actor: User | None = None
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def event_log_many(*, ticket: Ticket, entries: list[TrailEntry]) -> list[TicketEvent]:
    """``event_log`` for several entries at once, in one INSERT (a new ticket: created,
    escalated, assigned)."""
    rows = []
    for entry in entries:
        actor = entry.actor if entry.actor and entry.actor.is_authenticated else None
        rows.append(TicketEvent(ticket=ticket, actor=actor, type=entry.type, reason=entry.reason, data=entry.data))
    trail = rows_insert(rows)  # compiled once (helpdesk.precompiled)
    for row in trail:
        outbox = OUTBOX_TYPES.get(row.type)
        if outbox is None:
            continue
        name, visibility = outbox
        ids = {"ticket_id": ticket.pk, "customer_id": ticket.customer_id, "actor_id": row.actor_id}
        payload = {key: value for key, value in row.data.items() if isinstance(value, str | int | float | bool | None)}
        event_record(name, visibility=visibility, **ids, reference=ticket.reference, **payload)
        if row.type == "tickets.ticket.status_changed" and row.data.get("to") == Status.RESOLVED:
            event_record("tickets.ticket.resolved", visibility=visibility, **ids, reference=ticket.reference)
    return trail
