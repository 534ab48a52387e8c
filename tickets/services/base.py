"""Helpers every ticket service uses: the row lock with the optimistic version check,
the versioned save, and the event trail."""

from typing import Any

from accounts.models import User

from ..models import Ticket, TicketEvent
from .errors import TicketConflict


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
    """Append one event to the ticket's trail. ``type`` is dotted: ``tickets.ticket.escalated``."""
    return TicketEvent.objects.create(
        ticket=ticket, actor=actor if actor and actor.is_authenticated else None, type=type, reason=reason, data=data
    )
