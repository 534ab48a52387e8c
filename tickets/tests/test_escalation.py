from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AgentTier, CustomerProfile
from accounts.tests.factories import OrderFactory, agent
from tickets.models import Notification, Status, TicketEvent
from tickets.services import (
    EscalationRule,
    InvalidTransition,
    TicketActionDenied,
    refund_request_open,
    sla_breaches_mark,
    ticket_customer_confirm,
    ticket_deescalate,
    ticket_escalate,
    ticket_fields_update,
    ticket_reply,
    ticket_status_set,
)
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db


def _rule(ticket) -> str | None:
    event = TicketEvent.objects.filter(ticket=ticket, type="tickets.ticket.escalated").last()
    return event.data["rule"] if event else None


def test_manual_escalation_needs_a_reason_and_records_it(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    with pytest.raises(InvalidTransition):
        ticket_escalate(ticket=ticket, actor=tier1_agent, reason="  ")
    ticket = ticket_escalate(ticket=ticket, actor=tier1_agent, reason="涉及支付渠道对账")
    assert ticket.tier == AgentTier.TIER_2
    event = TicketEvent.objects.get(ticket=ticket, type="tickets.ticket.escalated")
    assert (event.actor, event.reason, event.data["rule"]) == (tier1_agent, "涉及支付渠道对账", EscalationRule.MANUAL)


def test_escalation_routes_to_a_tier2_agent(customer_a, tier1_agent, tier2_agent):
    ticket = ticket_escalate(ticket=open_ticket(customer_a), actor=tier1_agent, reason="needs tier 2")
    assert ticket.assignee == tier2_agent


def test_tier1_reads_but_cannot_act_on_tier2_tickets(customer_a, tier1_agent, tier2_agent):
    ticket = ticket_escalate(ticket=open_ticket(customer_a), actor=tier1_agent, reason="x")
    with pytest.raises(TicketActionDenied):
        ticket_reply(ticket=ticket, author=tier1_agent, body="我来处理")
    with pytest.raises(TicketActionDenied):
        ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    with pytest.raises(TicketActionDenied):
        ticket_deescalate(ticket=ticket, actor=tier1_agent, reason="x")
    ticket_reply(ticket=ticket, author=tier2_agent, body="已核实")


def test_tier2_deescalates_with_a_reason(customer_a, tier1_agent, tier2_agent):
    ticket = ticket_escalate(ticket=open_ticket(customer_a), actor=tier1_agent, reason="x")
    ticket = ticket_deescalate(ticket=ticket, actor=tier2_agent, reason="普通播放问题，一线可处理")
    assert ticket.tier == AgentTier.TIER_1
    assert ticket.assignee == tier1_agent
    assert TicketEvent.objects.filter(ticket=ticket, type="tickets.ticket.deescalated").exists()


def test_manager_can_act_on_tier2(customer_a, tier1_agent, manager):
    ticket = ticket_escalate(ticket=open_ticket(customer_a), actor=tier1_agent, reason="x")
    ticket_deescalate(ticket=ticket, actor=manager, reason="back")


def test_escalating_twice_is_refused(customer_a, tier1_agent, tier2_agent):
    ticket = ticket_escalate(ticket=open_ticket(customer_a), actor=tier1_agent, reason="x")
    with pytest.raises(InvalidTransition):
        ticket_escalate(ticket=ticket, actor=tier2_agent, reason="again")


def test_complaints_go_to_tier2(customer_a):
    ticket = open_ticket(customer_a, category=category("complaint"))
    assert ticket.tier == AgentTier.TIER_2
    assert _rule(ticket) == EscalationRule.COMPLAINT


def test_changing_the_category_to_complaint_escalates(customer_a, tier1_agent):
    ticket = ticket_fields_update(ticket=open_ticket(customer_a), actor=tier1_agent, category=category("complaint"))
    ticket.refresh_from_db()
    assert ticket.tier == AgentTier.TIER_2


def test_vip_customers_go_to_tier2(customer_a):
    CustomerProfile.objects.filter(user=customer_a).update(is_vip=True)
    ticket = open_ticket(customer_a)
    assert ticket.tier == AgentTier.TIER_2
    assert _rule(ticket) == EscalationRule.VIP


def test_reopened_twice_goes_to_tier2(customer_a, tier1_agent, settings):
    settings.HELPDESK_REOPEN_ESCALATE_AT = 2
    ticket = open_ticket(customer_a)
    for expected_tier in (AgentTier.TIER_1, AgentTier.TIER_2):
        ticket_status_set(
            ticket=ticket,
            actor=tier1_agent if ticket.tier == 1 else agent("t2@example.com", tier=2),
            status=Status.RESOLVED,
        )
        ticket = ticket_customer_confirm(ticket=ticket, customer=customer_a, solved=False)
        ticket.refresh_from_db()
        assert ticket.tier == expected_tier
    assert _rule(ticket) == EscalationRule.REOPENED


def test_refund_above_the_limit_goes_to_tier2(customer_a, settings):
    settings.HELPDESK_REFUND_ESCALATE_ABOVE = 500
    order = OrderFactory(customer=customer_a, amount=Decimal("1299.00"))
    request = refund_request_open(customer=customer_a, order=order, amount=Decimal("600.00"), reason="不想学了")
    assert request.ticket.__class__.objects.get(pk=request.ticket_id).tier == AgentTier.TIER_2
    assert _rule(request.ticket) == EscalationRule.REFUND_AMOUNT


def test_refund_within_limit_and_window_stays_in_tier1(customer_a, settings):
    settings.HELPDESK_REFUND_ESCALATE_ABOVE = 500
    order = OrderFactory(customer=customer_a, amount=Decimal("199.00"), paid_at=timezone.now() - timedelta(days=2))
    request = refund_request_open(customer=customer_a, order=order, amount=Decimal("199.00"), reason="买错了")
    assert request.ticket.__class__.objects.get(pk=request.ticket_id).tier == AgentTier.TIER_1


def test_refund_outside_the_window_goes_to_tier2(customer_a, settings):
    settings.HELPDESK_REFUND_WINDOW_DAYS = 7
    order = OrderFactory(customer=customer_a, amount=Decimal("99.00"), paid_at=timezone.now() - timedelta(days=30))
    request = refund_request_open(customer=customer_a, order=order, amount=Decimal("99.00"), reason="late")
    assert _rule(request.ticket) == EscalationRule.REFUND_WINDOW


def test_tier1_first_response_breach_escalates(customer_a, tier1_agent, tier2_agent):
    ticket = open_ticket(customer_a, priority="urgent")
    counts = sla_breaches_mark(now=ticket.first_response_due_at + timedelta(minutes=1))
    ticket.refresh_from_db()
    assert counts["first_response"] == 1
    assert ticket.tier == AgentTier.TIER_2
    assert _rule(ticket) == EscalationRule.FIRST_RESPONSE_BREACH


def test_tier2_breach_notifies_managers(customer_a, tier1_agent, tier2_agent, manager):
    ticket = ticket_escalate(ticket=open_ticket(customer_a, priority="urgent"), actor=tier1_agent, reason="x")
    sla_breaches_mark(now=ticket.first_response_due_at + timedelta(minutes=1))
    assert Notification.objects.filter(
        recipient=manager, ticket=ticket, type="tickets.ticket.first_response_breached"
    ).exists()
