"""Who may open which live stream, and what each reader receives (in process; the
end-to-end transport through uvicorn and a worker is in test_transport.py)."""

from datetime import timedelta

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from helpdesk.events import event_record
from helpdesk.models import Event, EventVisibility
from live.access import LiveEvent, Reader, event_visible
from live.services import presence_on_ticket, presence_prune, presence_record
from live.tasks import presence_prune_task
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db

ROLES = ["anon", "customer_a", "customer_b", "tier1", "tier2", "manager", "admin"]
ROLE_USERS = {
    "customer_a": "customer_a",
    "customer_b": "customer_b",
    "tier1": "tier1_agent",
    "tier2": "tier2_agent",
    "manager": "manager",
    "admin": "admin_user",
}


@pytest.fixture
def ticket_a(customer_a):
    return open_ticket(customer_a)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # the reader's own events
        ("", {"anon": 401, **dict.fromkeys(ROLES[1:], 200)}),
        # everything staff may read
        ("scope=desk", {"anon": 401, "customer_a": 403, "customer_b": 403, **dict.fromkeys(ROLES[3:], 200)}),
        # one ticket: its customer and the desk; another customer gets 404 as on every page
        ("ticket={ticket}", {"anon": 401, "customer_a": 200, "customer_b": 404, **dict.fromkeys(ROLES[3:], 200)}),
        ("ticket=abc", {"anon": 401, **dict.fromkeys(ROLES[1:], 404)}),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_stream_subscriptions_check_the_reader(request, ticket_a, role, query, expected):
    # The stream is served under ASGI: the async test client (a WSGI server gets a 204,
    # below). Its body is not read here: test_transport.py reads it through uvicorn.
    client = AsyncClient()
    if role != "anon":
        client.force_login(request.getfixturevalue(ROLE_USERS[role]))
    response = async_to_sync(client.get)(reverse("live:stream") + "?" + query.format(ticket=ticket_a.pk))
    assert response.status_code == expected[role]
    if response.status_code == 200:
        assert response["Content-Type"] == "text/event-stream"
        assert response["Cache-Control"] == "no-cache, no-store"


def test_a_wsgi_server_is_told_not_to_hold_a_stream(tier1_client):
    assert tier1_client.get(reverse("live:stream") + "?scope=desk").status_code == 204


@pytest.mark.parametrize(
    ("visibility", "payload", "reader", "visible"),
    [
        (EventVisibility.STAFF, {}, Reader(user_id=9, is_desk=True), True),
        (EventVisibility.STAFF, {}, Reader(user_id=1, is_desk=False), False),
        (EventVisibility.PUBLIC, {}, Reader(user_id=1, is_desk=False), True),
        (EventVisibility.PUBLIC, {}, Reader(user_id=2, is_desk=False), False),
        (EventVisibility.PUBLIC, {}, Reader(user_id=9, is_desk=True), True),
        (EventVisibility.RECIPIENT, {"recipients": [2]}, Reader(user_id=2, is_desk=False), True),
        (EventVisibility.RECIPIENT, {"recipients": [2]}, Reader(user_id=1, is_desk=False), False),
        (EventVisibility.RECIPIENT, {"recipients": [2]}, Reader(user_id=9, is_desk=True), False),
    ],
)
def test_each_event_is_checked_against_its_reader(visibility, payload, reader, visible):
    event = LiveEvent(id=1, type="t", visibility=visibility, ticket_id=5, customer_id=1, actor_id=9, payload=payload)
    assert event_visible(reader, event) is visible


def test_polling_gives_a_customer_only_their_own_tickets_events(customer_a_client, customer_b_client, ticket_a):
    start = customer_a_client.get(reverse("live:events")).json()["last"]
    event_record("tests.live.staff", visibility=EventVisibility.STAFF, ticket_id=ticket_a.pk)
    event_record("tests.live.public", ticket_id=ticket_a.pk, customer_id=ticket_a.customer_id)
    mine = customer_a_client.get(reverse("live:events") + f"?after={start}").json()
    theirs = customer_b_client.get(reverse("live:events") + f"?after={start}").json()
    assert [e["type"] for e in mine["events"]] == ["tests.live.public"]
    assert "actor" not in mine["events"][0]
    assert theirs["events"] == []
    assert mine["last"] == theirs["last"] > start


def test_presence_shows_who_else_is_on_a_ticket(tier1_client, tier2_client, tier1_agent, tier2_agent, ticket_a):
    # given two agents on one ticket, the second typing
    assert tier1_client.post(reverse("live:presence"), {"ticket": ticket_a.pk, "state": "viewing"}).status_code == 204
    assert tier2_client.post(reverse("live:presence"), {"ticket": ticket_a.pk, "state": "typing"}).status_code == 204
    # then each sees the other, not themselves
    assert [p["state"] for p in presence_on_ticket(ticket=ticket_a, exclude=tier1_agent)] == ["typing"]
    assert [p["user_id"] for p in presence_on_ticket(ticket=ticket_a, exclude=tier2_agent)] == [tier1_agent.pk]
    # and the ticket page shows it
    page = tier1_client.get(reverse("desk:ticket-detail", kwargs={"pk": ticket_a.pk}))
    assert str(tier2_agent) in page.content.decode()
    # once the second leaves, they are gone
    tier2_client.post(reverse("live:presence"), {"ticket": ticket_a.pk, "state": "left"})
    assert presence_on_ticket(ticket=ticket_a, exclude=tier1_agent) == []


def test_presence_refuses_bad_input(tier1_client, ticket_a):
    assert tier1_client.post(reverse("live:presence"), {"ticket": ticket_a.pk, "state": "dancing"}).status_code == 400
    assert tier1_client.post(reverse("live:presence"), {"ticket": 999999, "state": "viewing"}).status_code == 404


def test_a_held_reply_is_not_sent_and_its_text_is_kept(tier1_client, ticket_a):
    url = reverse("desk:ticket-reply", kwargs={"pk": ticket_a.pk})
    response = tier1_client.post(url, {"body": "My draft answer", "version": ticket_a.version, "held": "1"})
    assert response.status_code == 409
    assert "My draft answer" in response.content.decode()
    assert ticket_a.messages.count() == 1


def test_presence_older_than_a_day_is_pruned_and_nothing_else(tier1_agent, ticket_a):
    old = presence_record(ticket=ticket_a, user=tier1_agent, state="viewing")
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    recent = presence_record(ticket=ticket_a, user=tier1_agent, state="viewing")
    others = Event.objects.exclude(type="live.presence").count()
    assert presence_prune_task() == 1
    assert list(Event.objects.filter(type="live.presence").values_list("pk", flat=True)) == [recent.pk]
    assert Event.objects.exclude(type="live.presence").count() == others
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert presence_prune() == 1
