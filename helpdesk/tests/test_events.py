"""The transactional outbox: events commit or roll back with their change, reach their
consumers after commit, wait in the table while the broker is down, and retry a failing
consumer without running the others again."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.tests.factories import OrderFactory
from helpdesk import events
from helpdesk.events import consumer, event_record, events_dispatch_pending
from helpdesk.models import Event, EventVisibility
from helpdesk.tasks import event_dispatch_task
from tickets.models import NPSResponse
from tickets.services import (
    csat_record,
    nps_record,
    refund_approve,
    refund_request_open,
    ticket_escalate,
    ticket_reply,
    ticket_status_set,
)
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen():
    """A consumer of every event, recording what it saw; removed after the test."""
    calls: list[tuple[int, str]] = []

    @consumer("test.recorder", types=["*"])
    def record(event: Event) -> None:
        calls.append((event.pk, event.type))

    yield calls
    events._consumers.pop("test.recorder")


def test_events_roll_back_with_their_change_and_reach_consumers_after_commit(seen, django_capture_on_commit_callbacks):
    def change_that_fails() -> None:
        with transaction.atomic():
            event_record("test.thing.happened", answer=42)
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert not Event.objects.exists()
    assert seen == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = event_record("test.thing.happened", answer=42)
        second = event_record("test.thing.happened", answer=43)
        assert seen == []  # nothing before commit
    assert seen == [(first.pk, "test.thing.happened"), (second.pk, "test.thing.happened")]
    assert len({getattr(cb, "func", cb) for cb in callbacks}) == 1  # one task for the transaction
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 0


def test_the_ticket_lifecycle_records_its_domain_events(tier1_agent, tier2_agent, customer_a):
    ticket = open_ticket(customer_a)
    ticket_reply(ticket=ticket, author=tier1_agent, body="请清除缓存后重试。")
    ticket_reply(ticket=ticket, author=tier1_agent, body="内部备注", internal=True)
    ticket_escalate(ticket=ticket, actor=tier1_agent, reason="技术问题")
    ticket_status_set(ticket=ticket, actor=tier2_agent, status="resolved", resolution="已修复")
    csat_record(ticket=ticket, customer=customer_a, rating=5)
    refund = refund_request_open(
        customer=customer_a, order=OrderFactory(customer=customer_a), amount=Decimal("10.00"), reason="买错了"
    )
    refund_approve(request=refund, actor=tier2_agent)
    survey = NPSResponse.objects.create(customer=customer_a)
    nps_record(response=survey, customer=customer_a, score=9)

    types = list(Event.objects.exclude(type="tickets.notification.created").values_list("type", flat=True))
    for expected in [
        "tickets.ticket.created",
        "tickets.ticket.assigned",
        "tickets.message.created",
        "tickets.ticket.escalated",
        "tickets.ticket.status_changed",
        "tickets.ticket.resolved",
        "tickets.csat.received",
        "tickets.refund.requested",
        "tickets.refund.approved",
        "tickets.nps.received",
    ]:
        assert expected in types
    assert types.count("tickets.message.created") == 1  # the internal note is no event
    ids = list(Event.objects.values_list("pk", flat=True))
    assert ids == sorted(ids)
    assert (
        Event.objects.filter(type="tickets.ticket.escalated", ticket_id=ticket.pk).get().visibility
        == EventVisibility.STAFF
    )
    approved = Event.objects.get(type="tickets.refund.approved")
    assert approved.payload["amount"] == "10.00"
    assert approved.customer_id == customer_a.pk


def test_without_a_broker_events_wait_and_the_sweep_delivers_them(
    seen, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(event_dispatch_task, "apply_async", broker_down)
    with override_settings(HELPDESK_EVENT_ERRORS_PROPAGATE=False), django_capture_on_commit_callbacks(execute=True):
        event = event_record("test.thing.happened")  # the commit does not fail
    assert seen == []
    assert Event.objects.get().dispatched_at is None

    monkeypatch.undo()
    events._broker_down_until = 0.0  # the refusal left the broker alone for 10 s
    assert events_dispatch_pending() == 0  # too young: left to the dispatch of its commit
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert events_dispatch_pending() == 1
        assert events_dispatch_pending() == 0  # idempotent
    assert seen == [(event.pk, "test.thing.happened")]


def test_a_failing_consumer_is_retried_with_backoff_and_the_others_run_once(seen):
    failures = [RuntimeError("webhook receiver down")]

    @consumer("test.flaky", types=["test.thing.happened"])
    def flaky(event: Event) -> None:
        if failures:
            raise failures.pop()

    try:
        with override_settings(HELPDESK_EVENT_ERRORS_PROPAGATE=False):
            event = event_record("test.thing.happened")
            assert events.events_dispatch([event.pk]) == 0
            event.refresh_from_db()
            assert event.attempts == 1
            assert "webhook receiver down" in event.last_error
            assert event.consumers_done == ["test.recorder"]
            with time_machine.travel(timezone.now() + timedelta(seconds=59)):
                assert events_dispatch_pending() == 0  # waits a minute before the retry
            with time_machine.travel(timezone.now() + timedelta(minutes=2)):
                assert events_dispatch_pending() == 1
    finally:
        events._consumers.pop("test.flaky")
    assert seen == [(event.pk, "test.thing.happened")]  # the recorder ran once


def test_task_arguments_survive_json():
    assert json.loads(json.dumps([[1, 2, 3]])) == [[1, 2, 3]]
    event = event_record("test.thing.happened", amount="1.50", ok=True)
    assert event_dispatch_task.run([event.pk]) == 1
    assert Event.objects.get(pk=event.pk).payload == {"amount": "1.50", "ok": True}


def test_a_batch_writes_its_events_in_one_insert_in_order_and_nothing_on_error(
    seen, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), events.events_batched():
        first = event_record("test.thing.happened", n=1)
        with events.events_batched():  # nested: joins the outer batch
            event_record("test.thing.happened", n=2)
        assert first.pk is None
        assert not Event.objects.exists()
    assert [e.payload["n"] for e in Event.objects.order_by("pk")] == [1, 2]
    assert [t for _pk, t in seen] == ["test.thing.happened"] * 2

    @events.events_batched()
    def fails() -> None:
        event_record("test.thing.failed")
        raise RuntimeError

    with pytest.raises(RuntimeError):
        fails()
    assert not Event.objects.filter(type="test.thing.failed").exists()
    with django_assert_num_queries(1), events.events_batched():
        event_record("test.thing.happened", n=3)
        event_record("test.thing.happened", n=4)


@pytest.fixture
def drains(monkeypatch):
    """Commits ask for a shared drain (as with Redis and a real worker); the drain tasks
    published are recorded instead of sent."""
    from django.core.cache import cache

    from helpdesk.tasks import events_drain_task

    queued: list[int] = []
    monkeypatch.setattr(events, "_drains_coalesce", lambda: True)
    monkeypatch.setattr(events_drain_task, "apply_async", lambda *a, **k: queued.append(1))
    cache.delete(events.DRAIN_QUEUED_KEY)
    events._broker_down_until = 0.0
    yield queued
    cache.delete(events.DRAIN_QUEUED_KEY)
    events._broker_down_until = 0.0


def test_commits_share_one_queued_drain_which_reads_every_pending_event(
    seen, drains, django_capture_on_commit_callbacks
):
    # given three transactions committed while no worker has started the drain yet
    recorded = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            recorded.append(event_record("test.thing.happened", n=n))
    # then one drain is queued for all three, and nothing ran in the requests
    assert drains == [1]
    assert seen == []
    # when the worker drains: every pending event, oldest first, however young
    assert events.events_drain() == 3
    assert seen == [(event.pk, "test.thing.happened") for event in recorded]
    # and the next commit queues the next drain (the drain cleared the mark before reading)
    with django_capture_on_commit_callbacks(execute=True):
        later = event_record("test.thing.happened", n=3)
    assert drains == [1, 1]
    assert events.events_drain() == 1
    assert seen[-1] == (later.pk, "test.thing.happened")


def test_a_drain_the_broker_refused_leaves_the_events_for_the_sweep_and_the_next_commit_tries_again(
    seen, drains, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from helpdesk.tasks import events_drain_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(events_drain_task, "apply_async", broker_down)
    with override_settings(HELPDESK_EVENT_ERRORS_PROPAGATE=False), django_capture_on_commit_callbacks(execute=True):
        event = event_record("test.thing.happened")  # the commit does not fail
    assert cache.get(events.DRAIN_QUEUED_KEY) is None  # no drain is queued: the mark is gone
    assert Event.objects.get().dispatched_at is None
    assert seen == []

    # the broker is back (and its refusal no longer remembered): the next commit queues a drain
    monkeypatch.setattr(events_drain_task, "apply_async", lambda *a, **k: drains.append(1))
    events._broker_down_until = 0.0
    with django_capture_on_commit_callbacks(execute=True):
        second = event_record("test.thing.happened")
    assert drains == [1]
    assert events.events_drain() == 2
    assert seen == [(event.pk, "test.thing.happened"), (second.pk, "test.thing.happened")]


def test_drains_coalesce_only_with_a_shared_cache_and_a_real_worker():
    from celery import current_app

    redis_cache = {"default": {"BACKEND": "helpdesk.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    assert not events._drains_coalesce()  # the tests' per-process cache, tasks run eagerly
    eager = current_app.conf.task_always_eager
    try:
        with override_settings(CACHES=redis_cache):
            assert not events._drains_coalesce()  # eager
            current_app.conf.update(task_always_eager=False)
            assert events._drains_coalesce()
        assert not events._drains_coalesce()  # a per-process cache: a worker could not clear the mark
    finally:
        current_app.conf.update(task_always_eager=eager)
