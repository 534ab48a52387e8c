"""Staffing: Erlang C against a published worked example, the forecast and the page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from analytics.models import StaffingForecast
from analytics.services import staffing_forecast_compute
from analytics.staffing import (
    HOURS_A_WEEK,
    agents_needed,
    erlang_a,
    erlang_c,
    forecast_error,
    forecast_week,
    service_level,
)
from analytics.tasks import staffing_forecast_compute_task
from tickets.models import Ticket

TZ = ZoneInfo("Asia/Shanghai")


def test_erlang_c_matches_the_published_worked_example():
    # The call centre example of "Erlang C formula – made simple" (callcentrehelper.com):
    # 100 calls in 30 minutes (200 an hour), 180 s handling time: 10 Erlangs; target 80 %
    # answered within 20 seconds. Published: 11 agents P(wait) 68.2 %, service level 39.0 %;
    # 12 agents 44.9 %, 64.0 %; 13 agents 28.5 %, 79.6 %; 14 agents 17.4 %, 88.8 %.
    published = {11: (0.682, 0.390), 12: (0.449, 0.640), 13: (0.285, 0.796), 14: (0.174, 0.888)}
    for agents, (waits, level) in published.items():
        assert erlang_c(agents, 10.0) == pytest.approx(waits, abs=0.001)
        assert service_level(agents, arrivals_per_hour=200, handle_seconds=180, target_seconds=20) == pytest.approx(
            level, abs=0.001
        )
    assert agents_needed(arrivals_per_hour=200, handle_seconds=180, target_seconds=20, target_share=0.8) == 14
    # no arrivals, no agents; agents who cannot keep up always make tickets wait
    assert agents_needed(arrivals_per_hour=0, handle_seconds=180, target_seconds=20, target_share=0.8) == 0
    assert erlang_c(10, 10.0) == 1.0


def test_forecast_learns_the_weekly_pattern_and_reports_its_error():
    # given six identical weeks: 4 tickets at 10:00 each weekday, 1 otherwise
    week = [4.0 if hour % 24 == 10 and hour < 5 * 24 else 1.0 for hour in range(HOURS_A_WEEK)]
    history = week * 6
    forecast = forecast_week(history)
    assert forecast[10] == pytest.approx(4.0, abs=0.1)
    assert forecast[11] == pytest.approx(1.0, abs=0.1)
    error = forecast_error(history)
    assert error["weeks"] == 2
    assert error["mae_per_hour"] < 0.1
    assert forecast_error(week * 2) is None  # too short to hold weeks back


@pytest.mark.django_db
def test_staffing_forecast_is_stored_once_per_week_and_replaced_on_each_run(time_machine):
    time_machine.move_to(datetime(2026, 3, 11, 9, tzinfo=TZ), tick=False)  # a Wednesday
    # given 12 tickets on Tuesday 3 March, 10:00–11:00, one week before
    customer = CustomerFactory()
    for minute in range(12):
        Ticket.objects.create(subject="x", customer=customer, created_at=datetime(2026, 3, 3, 10, minute, tzinfo=TZ))
    first = staffing_forecast_compute()
    assert first.week_start == datetime(2026, 3, 9, tzinfo=TZ)  # this week's Monday
    assert len(first.arrivals) == HOURS_A_WEEK
    assert first.history_tickets == 12
    # when it runs again (as beat does every night), the week's row is replaced, not doubled
    time_machine.move_to(datetime(2026, 3, 12, 0, 45, tzinfo=TZ), tick=False)
    staffing_forecast_compute_task.delay()
    assert StaffingForecast.objects.count() == 1
    assert StaffingForecast.objects.get().computed_at > first.computed_at
    # and next Monday starts a row of its own
    time_machine.move_to(datetime(2026, 3, 16, 0, 45, tzinfo=TZ), tick=False)
    staffing_forecast_compute()
    assert list(StaffingForecast.objects.values_list("week_start", flat=True)) == [
        datetime(2026, 3, 16, tzinfo=TZ),
        datetime(2026, 3, 9, tzinfo=TZ),
    ]


@pytest.mark.django_db
def test_staffing_page_reads_the_stored_forecast(manager_client, time_machine):
    time_machine.move_to(datetime(2026, 3, 11, 9, tzinfo=TZ), tick=False)
    # before beat has run: the page says so
    response = manager_client.get(reverse("reports:staffing"))
    assert response.status_code == 200
    assert "has not been computed yet" in response.content.decode()
    # given a stored forecast of 200 tickets an hour on Monday 09:00, 180 s of work each
    arrivals = [0.0] * HOURS_A_WEEK
    arrivals[9] = 200.0
    StaffingForecast.objects.create(
        week_start=datetime(2026, 3, 9, tzinfo=TZ),
        arrivals=arrivals,
        handle_seconds=180.0,
        handle_sample=40,
        history_tickets=1234,
        error=None,
    )
    # then the page applies the target to it (Erlang C, 10 Erlangs): 80 % within 30 s needs
    # 13 agents (1 − 0.285 × e^(−3 × 30/180) = 82.7 %; 12 agents: 1 − 0.449 × e^(−2 × 30/180) = 67.8 %)
    response = manager_client.get(reverse("reports:staffing"), {"target_minutes": "0.5", "target_share": "80"})
    rows = response.context["tables"][0].rows
    assert [row[1:3] for row in rows[8:11]] == [[0.0, 0], [200.0, 13], [0.0, 0]]
    assert "1234" in response.content.decode()


@pytest.mark.django_db
def test_staffing_page_shows_needed_beside_available_and_the_forecast_error(manager_client):
    staffing_forecast_compute()
    response = manager_client.get(reverse("reports:staffing"), {"target_minutes": "30", "target_share": "80"})
    assert response.status_code == 200
    table = response.context["tables"][0]
    assert len(table.rows) == HOURS_A_WEEK
    page = response.content.decode()
    assert "Forecast error on held-back weeks" in page
    bad = manager_client.get(reverse("reports:staffing"), {"target_share": "150"})
    assert bad.status_code == 200
    assert "Ensure this value is less than or equal to 99.9." in bad.content.decode()
    export = manager_client.get(reverse("reports:staffing"), {"export": "staffing"})
    assert export["Content-Type"].startswith("text/csv")


def test_erlang_a_matches_the_published_worked_example():
    # pyworkforce's Erlang A guide (pyworkforce.rodrigo-arenas.com, "Erlang A (abandonment)"):
    # 100 chats in 30 minutes, 3 minutes of handling, 5 minutes of patience, 20 seconds to
    # answer, 13 agents: waiting probability 0.226, abandonment 0.025, service level 0.858.
    figures = erlang_a(13, arrivals_per_hour=200, handle_seconds=180, patience_seconds=300, target_seconds=20)
    assert figures["waits"] == pytest.approx(0.226, abs=0.001)
    assert figures["abandons"] == pytest.approx(0.025, abs=0.001)
    assert figures["service_level"] == pytest.approx(0.858, abs=0.001)
    # abandonment shortens the queue: 13 agents meet 80 % in 20 s, where Erlang C needs 14
    needed = agents_needed(
        arrivals_per_hour=200, handle_seconds=180, target_seconds=20, target_share=0.8, patience_seconds=300
    )
    assert needed == 13
    # endless patience is Erlang C again (the published Erlang C example above, 13 agents)
    patient = erlang_a(13, arrivals_per_hour=200, handle_seconds=180, patience_seconds=1e9, target_seconds=20)
    assert patient["waits"] == pytest.approx(erlang_c(13, 10.0), abs=1e-4)
    assert patient["service_level"] == pytest.approx(0.796, abs=0.001)
