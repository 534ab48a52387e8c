"""Canned responses: fill the placeholders a reply template may use.

A placeholder is a name in braces, ``{course}``; nothing else in the text is read as a
template (``{x.y}``, ``{0}``, ``{name:>5000000}`` and stray braces stay as typed), so a
manager's text can neither fail the ticket page nor make it grow.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import User

from .models import CannedResponse, Ticket

PLACEHOLDERS = ("customer_name", "course", "order", "reference", "agent_name")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


@dataclass(frozen=True)
class CannedFill:
    """A canned text filled for one ticket: the text, the values used (placeholder →
    value, for the preview) and the placeholders this ticket cannot fill."""

    text: str
    values: dict[str, str]
    unresolved: list[str]


def _values(ticket: Ticket, agent: User) -> dict[str, str]:
    """What this ticket fills; a placeholder it cannot fill is left out."""
    values = {
        "customer_name": ticket.customer.get_short_name(),
        "reference": ticket.reference,
        "agent_name": agent.get_short_name(),
    }
    if ticket.course_id:
        values["course"] = ticket.course.title
    elif ticket.order_id:
        values["course"] = ticket.order.course.title
    if ticket.order_id:
        values["order"] = ticket.order.number
    return {name: value for name, value in values.items() if value}


def canned_render(*, canned: CannedResponse, ticket: Ticket, agent: User) -> CannedFill:
    """The canned text filled for ``ticket`` (see ``placeholders_fill``)."""
    return placeholders_fill(canned.body, ticket=ticket, agent=agent)


def placeholders_fill(text: str, *, ticket: Ticket, agent: User) -> CannedFill:
    """``text`` with every placeholder this ticket can fill replaced by its value; the
    others stay as typed, for the agent to complete (sending is refused while any is left,
    see ``placeholders_unresolved``). Canned responses and macros fill the same way."""
    values = _values(ticket, agent)
    used: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        used[name] = values[name]
        return values[name]

    text = _PLACEHOLDER.sub(fill, text)
    return CannedFill(text=text, values=used, unresolved=placeholders_unresolved(text))


def placeholders_unresolved(text: str) -> list[str]:
    """The placeholders still in ``text`` (``{course}`` …), in order of appearance, once each."""
    return list(dict.fromkeys(match.group(0) for match in _PLACEHOLDER.finditer(text or "")))


def placeholders_error(text: str) -> str | None:
    """The message refusing a reply that still holds placeholders, or None."""
    unresolved = placeholders_unresolved(text)
    if not unresolved:
        return None
    return _("Replace the placeholders %(placeholders)s with real values before sending.") % {
        "placeholders": ", ".join(unresolved)
    }
