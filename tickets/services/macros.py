"""Macros: a manager's one-click action (a reply and field changes) applied by an agent."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AgentTier, User

from ..canned import placeholders_error, placeholders_fill
from ..models import Macro, Ticket
from ..permissions import can_act_on_ticket
from .base import ticket_lock
from .errors import TicketActionDenied, TicketError
from .escalation import ticket_deescalate, ticket_escalate
from .lifecycle import ticket_fields_update, ticket_reply, ticket_status_set


@transaction.atomic
def ticket_macro_apply(*, ticket: Ticket, macro: Macro, actor: User, expected_version: int | None = None) -> Ticket:
    """Apply ``macro`` to ``ticket`` as ``actor``, all or nothing: fields first (priority,
    category, assignee), then the tier (escalation or hand-back, with the macro's name as
    the reason), then the reply with the status. Each step is its service, with its checks
    and event; a refusal (a placeholder the ticket cannot fill, a tier-2 ticket for a tier-1
    agent, a stale version) rolls back every step."""
    if not macro.is_active:
        raise TicketError(_("This macro is switched off."))
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if not can_act_on_ticket(actor, ticket):
        raise TicketActionDenied(_("You may not act on this ticket."))
    reply = ""
    if macro.reply.strip():
        reply = placeholders_fill(macro.reply, ticket=ticket, agent=actor).text
        if error := placeholders_error(reply):
            raise TicketError(error)
    assignee = actor if macro.assign_to_me else macro.assignee
    if macro.priority or macro.category_id or assignee:
        ticket = ticket_fields_update(
            ticket=ticket,
            actor=actor,
            priority=macro.priority or None,
            category=macro.category,
            assignee=assignee,
        )
    if macro.tier == AgentTier.TIER_2 and ticket.tier == AgentTier.TIER_1:
        ticket = ticket_escalate(ticket=ticket, actor=actor, reason=macro.name)
    elif macro.tier == AgentTier.TIER_1 and ticket.tier == AgentTier.TIER_2:
        ticket = ticket_deescalate(ticket=ticket, actor=actor, reason=macro.name)
    if reply:
        ticket_reply(ticket=ticket, author=actor, body=reply, status=macro.status or None)
    elif macro.status:
        ticket_status_set(ticket=ticket, actor=actor, status=macro.status, reason=macro.name)
    return Ticket.objects.get(pk=ticket.pk)
