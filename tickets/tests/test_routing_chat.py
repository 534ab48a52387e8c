"""Live chats in routing: online agents only, a per-agent capacity, and transfers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from accounts.models import AgentProfile, AgentTier
from accounts.services import agent_availability_set, agent_presence_record
from accounts.tests.factories import agent
from tickets.choices import Channel
from tickets.models import Status, Ticket, TicketEvent
from tickets.services import (
    ChatCapacityFull,
    TransferError,
    chat_open_count,
    routing_candidates,
    ticket_route_now,
    ticket_transfer,
)
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def online(user, *, idle: float = 0):
    agent_presence_record(user=user, idle_seconds=idle, now=NOW)
    return user


def chat(**kwargs):
    return open_ticket(channel=Channel.CHAT, **kwargs)


def test_a_chat_goes_to_an_online_agent_and_never_to_an_offline_one():
    offline = agent("offline@example.com")
    AgentProfile.objects.filter(user=offline).update(last_assigned_at=None)
    present = online(agent("present@example.com"))
    AgentProfile.objects.filter(user=present).update(last_assigned_at=NOW)
    # the offline agent waited longer and has no tickets: an e-mail goes to them
    assert open_ticket(channel=Channel.EMAIL).assignee == offline
    # a chat goes to the online agent only
    assert chat().assignee == present


def test_a_chat_never_goes_to_an_idle_or_away_agent():
    idle = online(agent("idle@example.com"), idle=6 * 60)  # idle beyond the 5 minutes
    away = online(agent("away@example.com"))
    agent_availability_set(agent=away.agent_profile, available=False)
    ticket = chat()
    assert ticket.assignee is None
    assert idle.agent_profile.presence(now=NOW) == "away"


def test_heard_from_too_long_ago_is_offline():
    late = agent("late@example.com")
    agent_presence_record(user=late, idle_seconds=0, now=NOW - timedelta(minutes=4))
    assert AgentProfile.objects.get(user=late).presence(now=NOW) == "offline"
    assert chat().assignee is None


def test_chats_stop_at_the_agents_capacity_and_the_fewest_chats_go_first():
    busy, calm = online(agent("busy@example.com")), online(agent("calm@example.com"))
    AgentProfile.objects.filter(user=busy).update(chat_capacity=2, last_assigned_at=NOW - timedelta(hours=1))
    AgentProfile.objects.filter(user=calm).update(chat_capacity=1, last_assigned_at=NOW)
    assert chat().assignee == busy  # both 0 chats: busy waited longest
    assert chat().assignee == calm  # busy has 1 chat, calm 0
    assert chat().assignee == busy  # calm is full (1 of 1)
    assert chat().assignee is None  # both full: the chat waits in the queue
    assert chat_open_count(agent=busy) == 2
    candidates = routing_candidates(tier=AgentTier.TIER_1, category_id=None, channel=Channel.CHAT)
    assert candidates == []


def test_closed_chats_free_a_seat_and_emails_do_not_take_one():
    solo = online(agent("solo@example.com"))
    AgentProfile.objects.filter(user=solo).update(chat_capacity=1)
    first = chat()
    assert first.assignee == solo
    open_ticket(channel=Channel.EMAIL)  # an e-mail on top: no chat seat taken
    assert chat().assignee is None
    Ticket.objects.filter(pk=first.pk).update(status=Status.RESOLVED)
    assert chat().assignee == solo


def test_capacity_zero_means_no_chats():
    online(agent("email-only@example.com"))
    AgentProfile.objects.update(chat_capacity=0)
    assert chat().assignee is None


def test_transfer_to_an_online_agent_with_a_free_seat(tier1_agent):
    online(tier1_agent)
    colleague = online(agent("colleague@example.com"))
    AgentProfile.objects.filter(user=colleague).update(last_assigned_at=NOW)
    ticket = chat()
    assert ticket.assignee == tier1_agent
    ticket_transfer(ticket=ticket, actor=tier1_agent, to_agent=colleague, reason="懂退款")
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    event = TicketEvent.objects.filter(ticket=ticket, type="tickets.ticket.assigned").last()
    assert event.actor == tier1_agent
    assert event.reason == "懂退款"
    assert event.data == {"from": tier1_agent.pk, "to": colleague.pk, "automatic": False, "transfer": True}


def test_transfer_to_a_full_agent_says_so(tier1_agent):
    online(tier1_agent)
    full = online(agent("full@example.com", extra_roles=()))
    AgentProfile.objects.filter(user=full).update(chat_capacity=1, last_assigned_at=NOW)
    AgentProfile.objects.filter(user=tier1_agent).update(last_assigned_at=NOW - timedelta(hours=1))
    mine = chat()
    assert mine.assignee == tier1_agent
    Ticket.objects.filter(pk=chat().pk).update(assignee=full)
    with pytest.raises(ChatCapacityFull) as error:
        ticket_transfer(ticket=mine, actor=tier1_agent, to_agent=full)
    assert error.value.code == "chat_capacity_full"
    assert "already has 1 open chat, their limit" in error.value.message
    mine.refresh_from_db()
    assert mine.assignee == tier1_agent


def test_transfer_of_a_chat_to_an_offline_agent_is_refused(tier1_agent):
    online(tier1_agent)
    gone = agent("gone@example.com")
    ticket = chat()
    with pytest.raises(TransferError, match="not online"):
        ticket_transfer(ticket=ticket, actor=tier1_agent, to_agent=gone)


def test_transfer_of_an_email_ignores_presence_and_capacity(tier1_agent):
    gone = agent("gone@example.com")
    AgentProfile.objects.filter(user=gone).update(chat_capacity=0)
    ticket = open_ticket(channel=Channel.EMAIL)
    ticket_transfer(ticket=ticket, actor=tier1_agent, to_agent=gone)
    ticket.refresh_from_db()
    assert ticket.assignee == gone


def test_transfer_to_someone_who_is_not_an_agent_of_the_tier(tier1_agent, manager, customer_a):
    online(tier1_agent)
    ticket = chat()
    with pytest.raises(TransferError, match="not an agent who works tier 1"):
        ticket_transfer(ticket=ticket, actor=tier1_agent, to_agent=customer_a)
    with pytest.raises(TransferError, match="either an agent or tier 2"):
        ticket_transfer(ticket=ticket, actor=tier1_agent)
    with pytest.raises(TransferError, match="already has this ticket"):
        ticket_transfer(ticket=ticket, actor=tier1_agent, to_agent=tier1_agent)


def test_transfer_to_tier_2_routes_to_an_online_tier2_agent_with_a_seat(tier1_agent, tier2_agent):
    online(tier1_agent)
    online(tier2_agent)
    senior_full = online(agent("senior-full@example.com", tier=AgentTier.TIER_2))
    AgentProfile.objects.filter(user=senior_full).update(chat_capacity=0, last_assigned_at=None)
    ticket = chat()
    ticket_transfer(ticket=ticket, actor=tier1_agent, to_tier2=True, reason="退款超过限额")
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.assignee) == (AgentTier.TIER_2, tier2_agent)


def test_transfer_to_tier_2_needs_a_reason(tier1_agent):
    online(tier1_agent)
    ticket = chat()
    with pytest.raises(Exception, match="Say why"):
        ticket_transfer(ticket=ticket, actor=tier1_agent, to_tier2=True, reason=" ")


@override_settings(HELPDESK_PRESENCE_AWAY_MINUTES=1)
def test_the_idle_limit_is_a_setting():
    online(agent("short@example.com"), idle=90)
    assert chat().assignee is None


def test_a_chat_opened_without_routing_is_routed_at_the_hand_over():
    # the widget opens the chat for the bot (no routing), then hands it over to a person
    ticket = chat(route=False)
    assert ticket.assignee is None
    assert ticket_route_now(ticket=ticket, reason="hand-over") is None  # nobody online yet
    present = online(agent("present@example.com"))
    assert ticket_route_now(ticket=ticket, reason="hand-over") == present
    ticket.refresh_from_db()
    assert ticket.assignee == present
    event = TicketEvent.objects.filter(ticket=ticket, type="tickets.ticket.assigned").get()
    assert (event.reason, event.data["automatic"]) == ("hand-over", True)
