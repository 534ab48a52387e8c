"""Live chats on the SLA engine: targets in seconds, the same clock, countdowns on the desk."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tickets.choices import Channel
from tickets.models import SLAPolicy, Status, Ticket
from tickets.services import sla_breaches_mark, ticket_reply
from tickets.templatetags.sla_countdown import countdown_text
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 25 November 2026, 10:00 in Beijing: inside the seeded support hours (09:00-21:00).
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


def test_the_seeded_policies_give_chat_targets_in_seconds():
    targets = {p.priority: (p.chat_first_response_seconds, p.chat_resolution_seconds) for p in SLAPolicy.objects.all()}
    assert targets == {"urgent": (30, 600), "high": (45, 900), "normal": (60, 900), "low": (120, 1800)}


def test_a_chat_is_due_in_seconds_and_an_email_in_hours(customer_a):
    with time_machine.travel(WEDNESDAY, tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
        email = open_ticket(customer_a, channel=Channel.EMAIL)
    assert chat.first_response_due_at == WEDNESDAY + timedelta(seconds=60)
    assert chat.resolution_due_at == WEDNESDAY + timedelta(minutes=15)
    assert email.first_response_due_at == WEDNESDAY + timedelta(hours=4)


def test_a_chat_follows_the_policys_business_hours(customer_a):
    # given a chat at 20:59:30, 30 seconds before the support hours close
    with time_machine.travel(datetime(2026, 11, 25, 20, 59, 30, tzinfo=SHANGHAI), tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
    # then the other 30 seconds of its minute run when they open again
    assert chat.first_response_due_at == datetime(2026, 11, 26, 9, 0, 30, tzinfo=SHANGHAI)


def test_a_chat_without_chat_targets_uses_the_minute_targets(customer_a):
    SLAPolicy.objects.filter(priority="normal").update(chat_first_response_seconds=None, chat_resolution_seconds=None)
    with time_machine.travel(WEDNESDAY, tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
    assert chat.first_response_due_at == WEDNESDAY + timedelta(hours=4)


def test_a_chat_breaches_after_its_seconds_and_goes_to_tier_2(customer_a):
    with time_machine.travel(WEDNESDAY, tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
    assert sla_breaches_mark(now=WEDNESDAY + timedelta(seconds=59))["first_response"] == 0
    counts = sla_breaches_mark(now=WEDNESDAY + timedelta(seconds=61))
    assert counts == {"first_response": 1, "resolution": 0, "escalated": 1}
    chat.refresh_from_db()
    assert chat.tier == 2


def test_the_chat_clock_pauses_to_the_second_while_waiting_on_the_customer(customer_a, tier1_agent):
    with time_machine.travel(WEDNESDAY, tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
    with time_machine.travel(WEDNESDAY + timedelta(seconds=20), tick=False):
        ticket_reply(ticket=chat, author=tier1_agent, body="请问是哪一节课？", status=Status.PENDING)
    with time_machine.travel(WEDNESDAY + timedelta(seconds=110), tick=False):
        ticket_reply(ticket=chat, author=customer_a, body="第三节")
    chat.refresh_from_db()
    assert chat.sla_paused_minutes == pytest.approx(1.5)
    assert chat.resolution_due_at == WEDNESDAY + timedelta(minutes=15, seconds=90)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0 s"), (45, "45 s"), (60, "1 min 00 s"), (125, "2 min 05 s"), (3720, "1 h 02 min")]
)
def test_countdown_text(seconds, text):
    assert countdown_text(seconds) == text


def test_the_desk_counts_a_chat_down_in_seconds(customer_a, tier1_client):
    with time_machine.travel(WEDNESDAY, tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
        email = open_ticket(customer_a, channel=Channel.EMAIL)
    with time_machine.travel(WEDNESDAY + timedelta(seconds=15), tick=False):
        page = tier1_client.get(reverse("desk:ticket-detail", args=[chat.pk])).content.decode()
        queue = tier1_client.get(reverse("desk:queue")).content.decode()
        email_page = tier1_client.get(reverse("desk:ticket-detail", args=[email.pk])).content.decode()
    # the ticket page: 45 s left to the first response, 14 min 45 s to the resolution
    assert 'data-testid="countdown">45 s<' in page
    assert 'data-testid="countdown">14 min 45 s<' in page
    assert f'data-countdown-until="{chat.first_response_due_at.astimezone(SHANGHAI).isoformat()}"' in page
    # the queue row of the chat counts down; the e-mail keeps its due date
    assert 'data-testid="countdown">45 s<' in queue
    assert 'data-testid="countdown"' not in email_page
    assert Ticket.objects.count() == 2


def test_the_countdown_renders_in_chinese(customer_a, tier1_agent, tier1_client):
    tier1_agent.language = "zh-hans"
    tier1_agent.save(update_fields=["language"])
    with time_machine.travel(WEDNESDAY, tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
    with time_machine.travel(WEDNESDAY + timedelta(seconds=15), tick=False):
        page = tier1_client.get(reverse("desk:ticket-detail", args=[chat.pk])).content.decode()
    assert 'data-testid="countdown">45 秒<' in page


def test_a_breached_chat_counts_up(customer_a, tier1_client):
    with time_machine.travel(WEDNESDAY, tick=False):
        chat = open_ticket(customer_a, channel=Channel.CHAT)
    with time_machine.travel(WEDNESDAY + timedelta(seconds=95), tick=False):
        page = tier1_client.get(reverse("desk:ticket-detail", args=[chat.pk])).content.decode()
    assert 'class="countdown over"' in page
    assert 'data-testid="countdown">35 s<' in page
