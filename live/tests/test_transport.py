"""The live transport end to end, on real processes: uvicorn serving the ASGI application,
a Celery worker, a SQLite file (the embedded default) or Redis as broker and wake-up."""

import os

import pytest

from conftest import wait_until

from .site import LiveSite, StreamReader

REDIS_URL = os.environ.get("REDIS_URL", "")

RESOLVE_LONG_AGO = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from tickets.models import Status, Ticket
from tickets.tests.factories import open_ticket
ticket = open_ticket(customer=User.objects.get(email="learner@example.com"), subject="Old question")
Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolved_at=timezone.now() - timedelta(days=30))
print(ticket.pk)
"""

CLOSE_IN_WORKER = """
from tickets.tasks import tickets_close_resolved_task
tickets_close_resolved_task.delay()
"""


@pytest.fixture(params=["embedded", "redis"])
def site(request, tmp_path_factory):
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("REDIS_URL is not set (CI sets it)")
    live = LiveSite(tmp_path_factory.mktemp(request.param), redis_url=REDIS_URL if request.param == "redis" else "")
    live.start()
    yield live
    live.stop()


@pytest.mark.worker
def test_event_recorded_in_the_celery_worker_reaches_a_connected_client(site):
    # given an agent's open desk stream and a ticket resolved a month ago
    agent = site.session("agent1@example.com")
    learner = site.session("learner@example.com")
    ticket = int(site.shell(RESOLVE_LONG_AGO).strip())
    desk = StreamReader(agent, f"{site.url}/live/stream/?scope=desk")
    mine = StreamReader(learner, f"{site.url}/live/stream/")
    other = StreamReader(site.session("other@example.com"), f"{site.url}/live/stream/")
    assert (desk.status, mine.status, other.status) == (200, 200, 200)
    # when the Celery worker (another process) closes it, recording the event there
    site.shell(CLOSE_IN_WORKER)

    # then both the agent and the ticket's customer receive it, and no other customer
    def closed(reader: StreamReader) -> bool:
        return any(
            e["type"] == "tickets.ticket.status_changed" and e["ticket"] == ticket and e["payload"]["to"] == "closed"
            for e in reader.events
        )

    assert wait_until(lambda: closed(desk) and closed(mine), timeout=30), (site.tmp / "celery.log").read_text()
    assert not any(e["ticket"] == ticket for e in other.events)
    assert "actor" not in next(e for e in mine.events if e["ticket"] == ticket)
    for reader in (desk, mine, other):
        reader.close()


RECORD = """
from helpdesk.events import event_record
from helpdesk.models import EventVisibility
from django.db import transaction
with transaction.atomic():
    for n in range({count}):
        event_record("tests.live.ping", visibility=EventVisibility.STAFF, n={start} + n)
"""


@pytest.mark.worker
def test_a_dropped_stream_resumes_without_losing_or_repeating_a_message(site):
    agent = site.session("agent1@example.com")
    # given a stream that received the first three messages, then dropped
    first = StreamReader(agent, f"{site.url}/live/stream/?scope=desk")
    site.shell(RECORD.format(count=3, start=0))
    assert wait_until(lambda: len([e for e in first.events if e["type"] == "tests.live.ping"]) == 3)
    last_seen = first.events[-1]["id"]
    first.close()
    # when three more are recorded while it is away, and it reconnects with Last-Event-ID
    site.shell(RECORD.format(count=3, start=3))
    second = StreamReader(agent, f"{site.url}/live/stream/?scope=desk", last_event_id=last_seen)
    site.shell(RECORD.format(count=1, start=6))
    # then it receives each later message exactly once, in order
    assert wait_until(lambda: len([e for e in second.events if e["type"] == "tests.live.ping"]) >= 4)
    assert wait_until(lambda: "heartbeat" in second.comments, timeout=10)
    pings = [e["payload"]["n"] for e in second.events if e["type"] == "tests.live.ping"]
    assert pings == [3, 4, 5, 6]
    second.close()


def test_the_polling_fallback_returns_the_same_events_after_an_id(tmp_path_factory):
    site = LiveSite(tmp_path_factory.mktemp("poll")).start(worker=False)
    try:
        agent = site.session("agent1@example.com")
        start = agent.get(f"{site.url}/live/events/?scope=desk", timeout=10).json()["last"]
        site.shell(RECORD.format(count=2, start=0))
        body = agent.get(f"{site.url}/live/events/?scope=desk&after={start}", timeout=10).json()
        assert [e["payload"]["n"] for e in body["events"]] == [0, 1]
        again = agent.get(f"{site.url}/live/events/?scope=desk&after={body['last']}", timeout=10).json()
        assert again["events"] == []
        # a customer may not read the desk scope
        learner = site.session("learner@example.com")
        assert learner.get(f"{site.url}/live/events/?scope=desk", timeout=10).status_code == 403
        assert learner.get(f"{site.url}/live/stream/?scope=desk", timeout=10).status_code == 403
    finally:
        site.stop()
