"""Escalation to tier 2 (manual with a reason, or by rule) and de-escalation to tier 1."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AgentTier, CustomerProfile, User

from ..models import Priority, Ticket
from ..permissions import can_act_on_ticket, can_act_on_tier
from .base import event_log, ticket_lock, ticket_save
from .errors import InvalidTransition, TicketActionDenied
from .notifications import managers, notify_many
from .routing import ticket_route
from .sla import sla_due_set

COMPLAINT = "complaint"


class EscalationRule(models.TextChoices):
    MANUAL = "manual", gettext_lazy("Escalated by an agent")
    FIRST_RESPONSE_BREACH = "first_response_breach", gettext_lazy("Tier-1 first response target missed")
    COMPLAINT = "complaint", gettext_lazy("Complaint")
    REFUND_AMOUNT = "refund_amount", gettext_lazy("Refund above the tier-1 limit")
    REFUND_WINDOW = "refund_window", gettext_lazy("Refund outside the refund window")
    REOPENED = "reopened", gettext_lazy("Reopened repeatedly")
    VIP = "vip", gettext_lazy("VIP customer")
    NEGATIVE_SENTIMENT = "negative_sentiment", gettext_lazy("Angry customer (negative message)")


def _customer_is_vip(ticket: Ticket) -> bool:
    """Read from the customer when the caller loaded it with ``customer_vip_annotation``
    (``customer_get_or_create`` does), else asked of the database."""
    customer = Ticket.customer.field.get_cached_value(ticket, default=None)
    known = getattr(customer, "is_vip_customer", None)
    if known is not None:
        return known
    return CustomerProfile.objects.filter(user_id=ticket.customer_id, is_vip=True).exists()


def escalation_rule_matching(ticket: Ticket) -> EscalationRule | None:
    """The first automatic rule that sends this tier-1 ticket to tier 2, if any.

    Checked when a ticket opens, when its category changes, when it is reopened and when a
    refund is requested; the first-response breach is checked by the SLA job.
    """
    if ticket.tier != AgentTier.TIER_1:
        return None
    if ticket.category is not None and ticket.category.slug == COMPLAINT:
        return EscalationRule.COMPLAINT
    if _customer_is_vip(ticket):
        return EscalationRule.VIP
    if ticket.reopen_count >= settings.HELPDESK_REOPEN_ESCALATE_AT:
        return EscalationRule.REOPENED
    refund = getattr(ticket, "refund_request", None)
    if refund is not None:
        if refund.amount > Decimal(str(settings.HELPDESK_REFUND_ESCALATE_ABOVE)):
            return EscalationRule.REFUND_AMOUNT
        paid_at = refund.order.paid_at
        window = timedelta(days=settings.HELPDESK_REFUND_WINDOW_DAYS)
        if paid_at is None or refund.created_at - paid_at > window:
            return EscalationRule.REFUND_WINDOW
    return None


def _escalate_locked(*, ticket: Ticket, actor: User | None, rule: str, reason: str) -> Ticket:
    ticket.tier = AgentTier.TIER_2
    ticket.escalated_at = timezone.now()
    ticket_save(ticket, ["tier", "escalated_at"])
    event_log(
        ticket=ticket,
        type="tickets.ticket.escalated",
        actor=actor,
        reason=reason,
        rule=rule,
        **{"from": AgentTier.TIER_1, "to": AgentTier.TIER_2},
    )
    if ticket_route(ticket=ticket, reason=reason) is None:  # no tier-2 agent free: managers must know
        notify_many(recipients=managers(), type="tickets.ticket.escalated", ticket=ticket, reason=reason)
    return ticket


def ticket_escalate_automatic(*, ticket: Ticket, rule: str) -> Ticket:
    """Escalate a locked tier-1 ticket by rule (no actor). Does nothing on tier 2. The rule
    (``data.rule``) is the reason, shown in the reader's language; no text is stored in
    whatever language the worker happened to speak."""
    if ticket.tier != AgentTier.TIER_1:
        return ticket
    return _escalate_locked(ticket=ticket, actor=None, rule=rule, reason="")


@transaction.atomic
def ticket_negative_sentiment_act(*, ticket: Ticket, action: str, confidence: float) -> bool:
    """What the sentiment rule asks for a new ticket whose first message reads negative:
    ``priority`` raises a lower priority to high (new due times), ``tier2`` escalates a
    tier-1 ticket. No actor: the trail says the rule did it. Returns True when it changed
    something."""
    ticket = ticket_lock(ticket=ticket)
    if action == "tier2" and ticket.tier == AgentTier.TIER_1:
        ticket_escalate_automatic(ticket=ticket, rule=EscalationRule.NEGATIVE_SENTIMENT)
        return True
    if action == "priority" and ticket.priority in (Priority.LOW, Priority.NORMAL):
        event_log(
            ticket=ticket,
            type="tickets.ticket.priority_changed",
            actor=None,
            reason=str(EscalationRule.NEGATIVE_SENTIMENT.label),
            confidence=round(confidence, 3),
            **{"from": ticket.priority, "to": Priority.HIGH},
        )
        ticket.priority = Priority.HIGH
        ticket_save(ticket, ["priority", *sla_due_set(ticket)])
        return True
    return False


def escalation_rules_apply(*, ticket: Ticket) -> EscalationRule | None:
    """Escalate a locked ticket if a rule says so; returns the rule applied."""
    rule = escalation_rule_matching(ticket)
    if rule is not None:
        ticket_escalate_automatic(ticket=ticket, rule=rule)
    return rule


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, actor: User, reason: str, expected_version: int | None = None) -> Ticket:
    """An agent sends a tier-1 ticket to tier 2, with a reason."""
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if not can_act_on_ticket(actor, ticket):
        raise TicketActionDenied(_("You may not act on this ticket."))
    if ticket.tier != AgentTier.TIER_1:
        raise InvalidTransition(_("The ticket is already with tier 2."))
    if not ticket.is_active:
        raise InvalidTransition(_("Only open tickets can be escalated."))
    if not reason.strip():
        raise InvalidTransition(_("Say why the ticket goes to tier 2."))
    return _escalate_locked(ticket=ticket, actor=actor, rule=EscalationRule.MANUAL, reason=reason.strip())


@transaction.atomic
def ticket_deescalate(*, ticket: Ticket, actor: User, reason: str, expected_version: int | None = None) -> Ticket:
    """Tier 2 (or a manager) hands a ticket back to tier 1, with a reason."""
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if not can_act_on_ticket(actor, ticket) or not can_act_on_tier(actor, AgentTier.TIER_2):
        raise TicketActionDenied(_("Only tier-2 agents and managers can hand a ticket back to tier 1."))
    if ticket.tier != AgentTier.TIER_2:
        raise InvalidTransition(_("The ticket is already with tier 1."))
    if not reason.strip():
        raise InvalidTransition(_("Say why the ticket goes back to tier 1."))
    ticket.tier = AgentTier.TIER_1
    ticket_save(ticket, ["tier"])
    event_log(
        ticket=ticket,
        type="tickets.ticket.deescalated",
        actor=actor,
        reason=reason.strip(),
        **{"from": AgentTier.TIER_2, "to": AgentTier.TIER_1},
    )
    ticket_route(ticket=ticket, reason=reason.strip())
    return ticket
