"""Agent presence: desk pages' heartbeats, throttled writes, idle → away → offline, the
header's status and its away toggle."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AgentProfile, Presence

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = reverse("live:heartbeat")


def beat(client, *, idle: float = 0, at: datetime):
    with time_machine.travel(at, tick=False):
        return client.post(URL, {"idle": idle})


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anon", 302), ("customer_a", 403), ("tier1", 200), ("tier2", 200), ("manager", 204), ("admin", 204)],
)
def test_who_may_send_a_heartbeat(clients, role, expected):
    response = clients(role).post(URL, {"idle": 0})
    assert response.status_code == expected


@pytest.mark.parametrize("idle", ["", "soon", "-5", "nan", "inf"])
def test_bad_idle_is_a_400(tier1_client, idle):
    assert tier1_client.post(URL, {"idle": idle}).status_code == 400


def test_get_is_not_allowed(tier1_client):
    assert tier1_client.get(URL).status_code == 405


def test_an_agent_goes_online_then_away_when_idle_then_offline(tier1_client, tier1_agent):
    # a desk page opens: online
    first = beat(tier1_client, at=NOW)
    assert first.json() == {"status": "online", "label": "Online", "available": True, "toggle": "Set me away"}
    # the page beats every 30 s with no input: still online at 4 minutes idle
    for seconds in range(30, 241, 30):
        response = beat(tier1_client, idle=seconds, at=NOW + timedelta(seconds=seconds))
    assert response.json()["status"] == "online"
    # at 5 min 30 s without input the agent is away (HELPDESK_PRESENCE_AWAY_MINUTES = 5)
    assert beat(tier1_client, idle=330, at=NOW + timedelta(seconds=330)).json()["status"] == "away"
    # input again: online within the next written heartbeat
    assert beat(tier1_client, idle=1, at=NOW + timedelta(seconds=400)).json()["status"] == "online"
    # the page closes: offline once no heartbeat came for 3 minutes
    profile = AgentProfile.objects.get(user=tier1_agent)
    assert profile.presence(now=NOW + timedelta(seconds=400 + 179)) == Presence.ONLINE
    assert profile.presence(now=NOW + timedelta(seconds=400 + 181)) == Presence.OFFLINE


def test_at_most_one_write_a_minute_whatever_the_pages(tier1_client, tier1_agent):
    beat(tier1_client, at=NOW)
    for seconds in (10, 20, 59):  # three more pages, or the same one, within the minute
        with CaptureQueriesContext(connection) as queries:
            beat(tier1_client, at=NOW + timedelta(seconds=seconds))
        updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "agentprofile" in q["sql"]]
        assert len(updates) == 1  # the conditional UPDATE runs ...
    profile = AgentProfile.objects.get(user=tier1_agent)
    assert profile.last_seen_at == NOW  # ... and wrote nothing
    beat(tier1_client, at=NOW + timedelta(seconds=60))
    profile.refresh_from_db()
    assert profile.last_seen_at == NOW + timedelta(seconds=60)


def test_an_idle_tab_does_not_hide_the_one_being_worked_in(tier1_client, tier1_agent):
    beat(tier1_client, idle=0, at=NOW)  # the tab in use
    beat(tier1_client, idle=600, at=NOW + timedelta(seconds=61))  # an idle one, a minute later
    profile = AgentProfile.objects.get(user=tier1_agent)
    assert profile.last_active_at == NOW
    assert profile.last_seen_at == NOW + timedelta(seconds=61)


def test_the_manual_away_toggle_is_the_availability(tier1_client, tier1_agent):
    beat(tier1_client, at=NOW)
    with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
        response = tier1_client.post(reverse("desk:agent-availability"), {"next": "/desk/queue/?view=mine"})
    assert response.status_code == 302
    assert response["Location"] == "/desk/queue/?view=mine"
    answer = beat(tier1_client, at=NOW + timedelta(seconds=70)).json()
    assert answer == {"status": "away", "label": "Away", "available": False, "toggle": "Set me available"}
    # an address elsewhere is not followed
    response = tier1_client.post(
        reverse("desk:agent-availability"), {"available": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("desk:home")


def test_the_status_speaks_chinese(tier1_client, tier1_agent):
    tier1_agent.language = "zh-hans"
    tier1_agent.save(update_fields=["language"])
    answer = beat(tier1_client, at=NOW).json()
    assert (answer["label"], answer["toggle"]) == ("在线", "设为离开")


def test_every_desk_page_carries_the_status_and_heartbeat(tier1_client):
    page = tier1_client.get(reverse("desk:queue")).content.decode()
    assert 'data-testid="presence-status"' in page
    assert f'data-heartbeat-url="{URL}"' in page
    assert "js/desk-presence.js" in page
    help_page = tier1_client.get(reverse("help:home")).content.decode()
    assert 'data-testid="presence-status"' not in help_page
