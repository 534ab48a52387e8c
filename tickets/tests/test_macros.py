"""Macros: managers define them, agents apply one with a click (a reply and field changes)."""

import pytest
from django.urls import reverse

from accounts.models import AgentTier
from tickets.models import Macro, MessageKind, Status, Ticket
from tickets.services import TicketActionDenied, TicketConflict, TicketError, ticket_macro_apply
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def refund_macro() -> Macro:
    return Macro.objects.create(
        name="退款已提交",
        reply="{customer_name}，您好：您的退款申请已提交财务，3 个工作日内到账。",
        status=Status.PENDING,
        category=category("refund"),
        priority="high",
        assign_to_me=True,
    )


def test_one_click_applies_the_reply_and_every_field(tier1_client, tier1_agent, customer_a, refund_macro):
    # given
    ticket = open_ticket(customer_a)
    # when
    response = tier1_client.post(
        reverse("desk:ticket-macro", kwargs={"pk": ticket.pk}),
        {"macro-macro": refund_macro.pk, "macro-version": ticket.version},
    )
    # then
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.category.slug, ticket.assignee) == (
        Status.PENDING,
        "high",
        "refund",
        tier1_agent,
    )
    reply = ticket.messages.filter(author=tier1_agent).get()
    assert reply.kind == MessageKind.REPLY
    assert reply.body.startswith("Customer A，您好")
    types = set(ticket.events.values_list("type", flat=True))
    assert {"tickets.ticket.priority_changed", "tickets.ticket.category_changed"} <= types


def test_a_macro_escalates_with_its_name_as_the_reason(tier1_agent, customer_a):
    macro = Macro.objects.create(name="转二线：支付对账", tier=AgentTier.TIER_2)
    ticket = ticket_macro_apply(ticket=open_ticket(customer_a), macro=macro, actor=tier1_agent)
    assert ticket.tier == AgentTier.TIER_2
    assert ticket.events.get(type="tickets.ticket.escalated").reason == "转二线：支付对账"


def test_a_refused_step_changes_nothing(tier1_agent, customer_a):
    # a reply needing a course the ticket has not: the priority change before it is rolled back
    macro = Macro.objects.create(name="课程", reply="{course} 已恢复", priority="urgent")
    ticket = open_ticket(customer_a)
    with pytest.raises(TicketError, match=r"\{course\}"):
        ticket_macro_apply(ticket=ticket, macro=macro, actor=tier1_agent)
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    assert ticket.messages.count() == 1


def test_a_stale_page_or_a_tier2_ticket_is_refused(tier1_agent, customer_a, refund_macro):
    ticket = open_ticket(customer_a)
    with pytest.raises(TicketConflict):
        ticket_macro_apply(ticket=ticket, macro=refund_macro, actor=tier1_agent, expected_version=ticket.version - 1)
    complaint = open_ticket(customer_a, category=category("complaint"))  # tier 2
    with pytest.raises(TicketActionDenied):
        ticket_macro_apply(ticket=complaint, macro=refund_macro, actor=tier1_agent)
    assert Ticket.objects.get(pk=complaint.pk).priority == "normal"


def test_managers_define_macros_in_the_admin_and_agents_see_them_on_the_ticket(
    manager_client, tier1_client, customer_a
):
    response = manager_client.post(
        reverse("admin:tickets_macro_add"),
        {
            "name": "已解决",
            "reply": "问题已解决。",
            "status": "resolved",
            "priority": "",
            "tier": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    macro = Macro.objects.get(name="已解决")
    page = tier1_client.get(reverse("desk:ticket-detail", kwargs={"pk": open_ticket(customer_a).pk}))
    assert 'data-testid="macro-form"' in page.content.decode()
    assert f'<option value="{macro.pk}">已解决</option>' in page.content.decode()
