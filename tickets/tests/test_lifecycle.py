from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AgentTier
from accounts.tests.factories import CustomerFactory, OrderFactory, agent
from tickets.models import Channel, MessageKind, Status, Ticket, TicketEvent
from tickets.services import (
    TRANSITIONS,
    ComplaintNeedsResolution,
    InvalidTransition,
    TicketActionDenied,
    TicketConflict,
    TicketError,
    ticket_customer_confirm,
    ticket_fields_update,
    ticket_merge,
    ticket_reply,
    ticket_status_set,
    tickets_close_resolved,
)
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db


def _events(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("type", flat=True))


def test_open_creates_first_message_sla_due_times_and_event(customer_a):
    ticket = open_ticket(customer_a, category=category("course-access"))
    assert ticket.status == Status.NEW
    assert ticket.tier == AgentTier.TIER_1
    assert ticket.messages.get().from_customer
    assert ticket.first_response_due_at is not None
    assert ticket.resolution_due_at > ticket.first_response_due_at
    assert _events(ticket)[0] == "tickets.ticket.created"
    assert ticket.reference == f"HD-{ticket.pk}"
    assert Ticket.pk_from_reference(f"#hd-{ticket.pk}") == ticket.pk


def test_open_refuses_someone_elses_order(customer_a, customer_b):
    with pytest.raises(TicketError):
        open_ticket(customer_a, order=customer_b.orders.get())


def test_phone_ticket_is_logged_by_an_agent_for_the_customer(customer_a, tier1_agent):
    ticket = open_ticket(customer_a, channel=Channel.PHONE, logged_by=tier1_agent)
    message = ticket.messages.get()
    assert ticket.channel == Channel.PHONE
    assert message.author == tier1_agent
    assert not message.from_customer


def test_customers_cannot_log_tickets_for_others(customer_a, customer_b):
    with pytest.raises(TicketActionDenied):
        open_ticket(customer_a, logged_by=customer_b)


def test_attachment_over_the_limit_is_refused_and_nothing_is_saved(customer_a, settings):
    settings.HELPDESK_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(TicketError, match="larger than"):
        open_ticket(customer_a, attachments=[SimpleUploadedFile("big.png", b"x" * 11, "image/png")])
    assert not Ticket.objects.exists()


def test_first_agent_reply_is_the_first_response_and_opens_the_ticket(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    ticket_reply(ticket=ticket, author=tier1_agent, body="请清除缓存后重试。")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.first_responded_at is not None


def test_internal_note_is_not_a_first_response(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    message = ticket_reply(ticket=ticket, author=tier1_agent, body="查一下 CDN 日志", internal=True)
    ticket.refresh_from_db()
    assert message.kind == MessageKind.NOTE
    assert ticket.first_responded_at is None
    assert ticket.status == Status.NEW


def test_customer_reply_to_pending_reopens_the_queue(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    ticket_reply(ticket=ticket, author=tier1_agent, body="请提供截图", status=Status.PENDING)
    ticket_reply(ticket=ticket, author=customer_a, body="截图在这里")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_customer_reply_reopens_a_resolved_ticket_and_counts_it(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    ticket_reply(ticket=ticket, author=customer_a, body="还是不行")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.reopen_count == 1
    assert "tickets.ticket.reopened" in _events(ticket)


def test_customer_cannot_reply_to_a_closed_ticket(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        ticket_reply(ticket=ticket, author=customer_a, body="?")


def test_customers_cannot_write_internal_notes_or_touch_others_tickets(customer_a, customer_b):
    ticket = open_ticket(customer_a)
    with pytest.raises(TicketActionDenied):
        ticket_reply(ticket=ticket, author=customer_a, body="x", internal=True)
    with pytest.raises(TicketActionDenied):
        ticket_reply(ticket=ticket, author=customer_b, body="x")


@pytest.mark.parametrize(
    ("path", "allowed"),
    [(p, True) for p in [("open",), ("pending",), ("on_hold",), ("resolved",)]]
    + [(("open", "pending", "open", "on_hold", "pending", "resolved", "open", "resolved", "closed"), True)],
)
def test_every_allowed_transition_is_accepted(customer_a, tier1_agent, path, allowed):
    ticket = open_ticket(customer_a)
    for status in path:
        ticket = ticket_status_set(ticket=ticket, actor=tier1_agent, status=status)
    assert ticket.status == path[-1]


@pytest.mark.parametrize("start", [s for s in TRANSITIONS if s != Status.NEW])
def test_status_new_is_never_reached_again(customer_a, tier1_agent, start):
    ticket = open_ticket(customer_a)
    path = {
        "open": ["open"],
        "pending": ["pending"],
        "on_hold": ["on_hold"],
        "resolved": ["resolved"],
        "closed": ["resolved", "closed"],
    }[start]
    for status in path:
        ticket_status_set(ticket=ticket, actor=tier1_agent, status=status)
    with pytest.raises(InvalidTransition):
        ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.NEW)


def test_closed_is_final(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.CLOSED)
    for status in (Status.OPEN, Status.PENDING, Status.RESOLVED):
        with pytest.raises(InvalidTransition):
            ticket_status_set(ticket=ticket, actor=tier1_agent, status=status)


def test_resolved_tickets_close_after_the_configured_days(customer_a, tier1_agent, settings):
    settings.HELPDESK_CLOSE_RESOLVED_AFTER_DAYS = 7
    ticket = open_ticket(customer_a)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    assert tickets_close_resolved(now=timezone.now() + timedelta(days=6)) == 0
    assert tickets_close_resolved(now=timezone.now() + timedelta(days=8)) == 1
    assert tickets_close_resolved(now=timezone.now() + timedelta(days=8)) == 0  # idempotent
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_complaint_cannot_be_resolved_without_a_written_resolution(customer_a, tier2_agent):
    ticket = open_ticket(customer_a, category=category("complaint"))
    with pytest.raises(ComplaintNeedsResolution):
        ticket_status_set(ticket=ticket, actor=tier2_agent, status=Status.RESOLVED)
    ticket = ticket_status_set(
        ticket=ticket, actor=tier2_agent, status=Status.RESOLVED, resolution="已补偿 50 元优惠券并致歉。"
    )
    assert ticket.status == Status.RESOLVED


def test_customer_solved_resolves_and_then_closes(customer_a):
    ticket = open_ticket(customer_a)
    assert ticket_customer_confirm(ticket=ticket, customer=customer_a, solved=True).status == Status.RESOLVED
    assert ticket_customer_confirm(ticket=ticket, customer=customer_a, solved=True).status == Status.CLOSED


def test_customer_not_solved_reopens(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    ticket = ticket_customer_confirm(ticket=ticket, customer=customer_a, solved=False)
    assert ticket.status == Status.OPEN
    assert ticket.reopen_count == 1


def test_stale_save_is_refused_and_overwrites_nothing(customer_a, tier1_agent):
    # given two agents who loaded version 1
    ticket = open_ticket(customer_a)
    loaded = Ticket.objects.get(pk=ticket.pk).version
    other = agent("other@example.com")
    # when the first saves a priority change
    ticket_fields_update(ticket=ticket, actor=tier1_agent, expected_version=loaded, priority="high")
    # then the second, still on the old version, is refused
    with pytest.raises(TicketConflict):
        ticket_fields_update(ticket=ticket, actor=other, expected_version=loaded, priority="low")
    with pytest.raises(TicketConflict):
        ticket_reply(ticket=ticket, author=other, body="hi", expected_version=loaded)
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert ticket.messages.count() == 1


def test_priority_change_recomputes_sla_due_times(customer_a, tier1_agent):
    ticket = open_ticket(customer_a, priority="low")
    before = ticket.first_response_due_at
    ticket = ticket_fields_update(ticket=ticket, actor=tier1_agent, priority="urgent")
    assert ticket.first_response_due_at < before
    assert "tickets.ticket.priority_changed" in _events(ticket)


def test_merge_moves_messages_and_closes_the_duplicate(customer_a, tier1_agent):
    target = open_ticket(customer_a, subject="退款")
    source = open_ticket(customer_a, subject="退款（重复）")
    ticket_merge(source=source, target=target, actor=tier1_agent)
    source.refresh_from_db()
    assert source.merged_into == target
    assert source.status == Status.CLOSED
    assert target.messages.filter(kind=MessageKind.REPLY).count() == 2
    assert "tickets.ticket.merged" in _events(target)
    assert "tickets.ticket.merged_into" in _events(source)


def test_merge_refuses_tickets_of_different_customers(customer_a, customer_b, tier1_agent):
    with pytest.raises(InvalidTransition):
        ticket_merge(source=open_ticket(customer_a), target=open_ticket(customer_b), actor=tier1_agent)


def test_merge_into_itself_is_refused(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    with pytest.raises(InvalidTransition):
        ticket_merge(source=ticket, target=ticket, actor=tier1_agent)


def test_events_are_append_only(customer_a):
    event = TicketEvent.objects.filter(ticket=open_ticket(customer_a)).first()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_event_trail_records_who_when_and_why(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.ON_HOLD, reason="等待支付渠道回复")
    event = TicketEvent.objects.get(ticket=ticket, type="tickets.ticket.status_changed")
    assert event.actor == tier1_agent
    assert event.reason == "等待支付渠道回复"
    assert event.data == {"from": "new", "to": "on_hold"}
    assert event.created_at > ticket.created_at


def test_order_links_its_course(customer_a):
    order = OrderFactory(customer=customer_a)
    assert open_ticket(customer_a, order=order).course == order.course


def test_customer_factory_tickets_belong_to_new_customers():
    assert open_ticket().customer != open_ticket(CustomerFactory()).customer
