"""Staffing for live chat: Erlang A from the chats' arrivals, conversation time and the
learners' patience measured on abandoned chats; Erlang C for the other channels."""

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import AgentProfile
from accounts.tests.factories import CustomerFactory
from analytics.models import StaffingForecast
from analytics.services import staffing_forecast_compute
from analytics.staffing import (
    HOURS_A_WEEK,
    chat_agents_needed,
    chat_handle_seconds,
    chat_patience,
    erlang_a,
)
from tickets.choices import Channel, Status
from tickets.models import Ticket

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)


def test_erlang_a_by_hand_with_one_agent():
    # One agent, one chat a minute (λ = 1/min), one minute of conversation (μ = 1/min), one
    # minute of patience (θ = 1/min): with k chats present the rate out is μ + (k − 1)θ =
    # k/min, so p(k) = p(0)·λ^k / k! — the Poisson distribution of mean 1, p(k) = e⁻¹ / k!.
    # A chat waits when it finds the agent busy: P(k ≥ 1) = 1 − e⁻¹ = 0.632. It leaves at
    # rate θ times the chats waiting, E[k − 1; k ≥ 1] = E[k] − P(k ≥ 1) = e⁻¹, over λ: 0.368.
    # Answered at once (target 0 s) is the agent free on arrival: e⁻¹.
    figures = erlang_a(1, arrivals_per_hour=60, handle_seconds=60, patience_seconds=60, target_seconds=0)
    assert figures["waits"] == pytest.approx(1 - math.exp(-1), abs=1e-9)
    assert figures["abandons"] == pytest.approx(math.exp(-1), abs=1e-9)
    assert figures["service_level"] == pytest.approx(math.exp(-1), abs=1e-9)


def test_chat_agents_are_the_seats_over_the_capacity():
    # the published pyworkforce case (test_staffing.py): 13 seats meet 80 % within 20 s;
    # agents holding 3 chats each: ⌈13 / 3⌉ = 5; holding 1: 13; no chats: none
    case = {"arrivals_per_hour": 200, "handle_seconds": 180, "patience_seconds": 300, "target_seconds": 20}
    assert chat_agents_needed(**case, target_share=0.8, capacity=3) == 5
    assert chat_agents_needed(**case, target_share=0.8, capacity=1) == 13
    assert chat_agents_needed(**{**case, "arrivals_per_hour": 0}, target_share=0.8, capacity=3) == 0
    # patience unknown: Erlang C's 14 seats, 5 agents of 3
    assert chat_agents_needed(**{**case, "patience_seconds": None}, target_share=0.8, capacity=3) == 5


def _chat(customer, *, waited: float, answered: bool, paused: float = 0.0, talk: float = 300.0, deflected=False):
    """A chat created on Tuesday 10:00 that waited ``waited`` seconds for a person (after
    ``paused`` seconds with the bot), then was answered and talked ``talk`` seconds, or left."""
    created = TUESDAY
    reached = created + timedelta(seconds=paused + waited)
    fields = {"sla_paused_minutes": paused / 60, "status": Status.RESOLVED}
    if deflected:
        fields.update(deflected_at=created + timedelta(seconds=30), resolved_at=created + timedelta(seconds=30))
    elif answered:
        fields.update(first_responded_at=reached, resolved_at=reached + timedelta(seconds=talk))
    else:
        fields.update(resolved_at=reached)
    return Ticket.objects.create(subject="chat", customer=customer, channel=Channel.CHAT, created_at=created, **fields)


@pytest.mark.django_db
def test_patience_and_abandonment_are_measured_on_the_chats_that_waited():
    customer = CustomerFactory()
    # answered after 30 s and after 50 s (the second after 40 s with the bot, not counted),
    # one left after 40 s; one solved by the bot (never waited for a person), one e-mail
    _chat(customer, waited=30, answered=True, talk=240)
    _chat(customer, waited=50, answered=True, paused=40, talk=360)
    _chat(customer, waited=40, answered=False)
    _chat(customer, waited=0, answered=False, deflected=True)
    Ticket.objects.create(subject="mail", customer=customer, channel=Channel.EMAIL, created_at=TUESDAY)
    start, end = TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=1)
    # patience: (30 + 50 + 40) s waited / 1 left = 120 s; 1 of 3 chats abandoned: 33.3 %
    assert chat_patience(start=start, end=end) == {
        "queued": 3,
        "abandoned": 1,
        "abandoned_pct": 33.3,
        "patience_seconds": 120.0,
    }
    # the conversation: (240 + 360) / 2 = 300 s over 2 answered chats
    seconds, sample = chat_handle_seconds(start=start, end=end + timedelta(hours=1))
    assert (round(seconds, 3), sample) == (300.0, 2)


@pytest.mark.django_db
def test_without_abandoned_chats_patience_is_not_measured():
    _chat(CustomerFactory(), waited=30, answered=True)
    figures = chat_patience(start=TUESDAY - timedelta(days=1), end=TUESDAY + timedelta(days=1))
    assert figures["patience_seconds"] is None
    assert figures["abandoned_pct"] == 0.0


@pytest.mark.django_db
def test_the_forecast_keeps_chat_apart_and_the_page_shows_both(manager_client, time_machine, tier1_agent):
    time_machine.move_to(datetime(2026, 3, 11, 9, tzinfo=TZ), tick=False)  # a Wednesday
    customer = CustomerFactory()
    _chat(customer, waited=30, answered=True)
    _chat(customer, waited=40, answered=False)
    Ticket.objects.create(subject="mail", customer=customer, channel=Channel.EMAIL, created_at=TUESDAY)
    forecast = staffing_forecast_compute()
    assert forecast.history_tickets == 1  # the e-mail
    assert forecast.chat["history_chats"] == 2
    assert len(forecast.chat["arrivals"]) == HOURS_A_WEEK
    assert forecast.chat["patience_seconds"] == 70.0
    # given a stored week: 200 chats an hour on Monday 09:00, 180 s each, 300 s of patience
    chats = [0.0] * HOURS_A_WEEK
    chats[9] = 200.0
    forecast.chat.update(arrivals=chats, handle_seconds=180.0, patience_seconds=300.0)
    forecast.arrivals = [0.0] * HOURS_A_WEEK
    forecast.save()
    AgentProfile.objects.update(chat_capacity=3)
    response = manager_client.get(reverse("reports:staffing"), {"chat_target_seconds": "20", "chat_target_share": "80"})
    rows = response.context["tables"][0].rows
    # then Monday 09:00 needs ⌈13 seats / 3⌉ = 5 agents for chat, none for tickets
    assert rows[9][1:6] == [0.0, 0, 200.0, 5, 5]
    page = response.content.decode()
    assert "Erlang A" in page
    assert 'data-testid="kpi-chat-abandoned"' in page
    assert "50.0%" in page  # 1 of 2 chats that waited left
    assert StaffingForecast.objects.count() == 1
