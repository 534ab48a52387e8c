"""Queries compiled once (helpdesk.precompiled): the same rows as Django's own evaluation,
the values in their slots, and no caching where a backend transforms a value or the SQL
depends on more than its key."""

import pytest
from django.db import connections
from django.utils import timezone

from accounts.models import User
from accounts.services import customer_get_or_create
from accounts.tests.factories import UserFactory
from helpdesk.precompiled import precompiled_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    for name in ("helpdesk_precompiled", "helpdesk_precompiled_inserts"):
        connections["default"].__dict__.pop(name, None)


def test_a_query_is_built_once_and_run_with_each_value():
    first = UserFactory(email="li.na@example.com", name="李娜")
    second = UserFactory(email="wang.fang@example.com", name="王芳")
    builds = []

    def by_name(name: str):
        builds.append(name)
        return User.objects.filter(name=name).select_related("customer_profile").order_by("pk")[:1]

    assert precompiled_list("test.by_name", by_name, "李娜") == [first]
    assert precompiled_list("test.by_name", by_name, "王芳") == [second]
    assert precompiled_list("test.by_name", by_name, "nobody") == []
    assert len(builds) == 2  # the first call built it twice (to compare), with a marker for the name
    assert "李娜" not in builds


def test_a_query_that_changes_from_build_to_build_is_built_every_time():
    # a query whose SQL depends on more than its key (here a counter; in life, the clock)
    UserFactory(email="li.na@example.com", name="n2")
    UserFactory(email="wang.fang@example.com", name="n3")
    builds = []

    def changing():
        builds.append(1)
        return User.objects.filter(name=f"n{len(builds)}").order_by("pk")

    assert [u.name for u in precompiled_list("test.changing", changing)] == ["n3"]  # n1, n2 differ; n3 runs
    assert len(builds) == 3
    assert precompiled_list("test.changing", changing) == []  # n4: built and run the ordinary way
    assert len(builds) == 4


def test_a_query_holding_the_time_is_not_cached():
    UserFactory(email="li.na@example.com")
    builds = []

    def joined_before_now():
        builds.append(1)
        return User.objects.filter(date_joined__lte=timezone.now()).order_by("pk")

    assert len(precompiled_list("test.joined", joined_before_now)) == 1
    assert len(precompiled_list("test.joined", joined_before_now)) == 1
    assert len(builds) >= 3  # never served from the cache


def test_an_address_with_like_wildcards_finds_only_its_own_customer():
    # "_" matches any one character in LIKE (SQLite's iexact): escaped as usual, the query is
    # then not cached there; on PostgreSQL (UPPER(...) = UPPER(%s)) it is cached as it is.
    other = customer_get_or_create(email="axb@example.com", name="Other")
    own = customer_get_or_create(email="A_B@example.com", name="Own")
    assert own != other
    assert customer_get_or_create(email="a_b@EXAMPLE.com") == own
    assert customer_get_or_create(email="AXB@example.com") == other
    assert User.objects.filter(email__iexact="a_b@example.com").count() == 1


def test_rows_insert_writes_what_bulk_create_writes_and_sets_the_keys(customer_a):
    from helpdesk.models import Event
    from helpdesk.precompiled import rows_insert
    from tickets.models import Notification, TicketEvent
    from tickets.tests.factories import open_ticket

    ticket = open_ticket(customer_a)
    before = timezone.now()
    for round_ in range(3):  # the first compiles, the others reuse the statement
        events = rows_insert(
            [
                Event(type="test.one", ticket_id=ticket.pk, payload={"n": round_, "text": "中文"}),
                Event(type="test.two", ticket_id=ticket.pk, payload={"n": [round_]}),
            ]
        )
        assert all(e.pk is not None and not e._state.adding for e in events)
        assert [(e.type, e.payload) for e in Event.objects.filter(pk__in=[e.pk for e in events]).order_by("pk")] == [
            ("test.one", {"n": round_, "text": "中文"}),
            ("test.two", {"n": [round_]}),
        ]
    (single,) = rows_insert([Notification(recipient=customer_a, type="test.single", ticket=ticket, data={"a": 1})])
    stored = Notification.objects.get(pk=single.pk)
    assert (stored.recipient_id, stored.type, stored.data, stored.read_at) == (
        customer_a.pk,
        "test.single",
        {"a": 1},
        None,
    )
    assert stored.created_at >= before  # auto_now_add, as bulk_create sets it
    trail = rows_insert([TicketEvent(ticket=ticket, type="test.a"), TicketEvent(ticket=ticket, type="test.b")])
    assert [t.pk for t in trail] == sorted(t.pk for t in trail)
    assert list(TicketEvent.objects.filter(pk__in=[t.pk for t in trail]).values_list("type", flat=True)) == [
        "test.a",
        "test.b",
    ]
    assert rows_insert([]) == []
    # every statement here was served from the cache (not left to bulk_create)
    compiled = connections["default"].__dict__["helpdesk_precompiled_inserts"]
    assert {(model.__name__, n) for model, n in compiled} >= {("Event", 2), ("Notification", 1), ("TicketEvent", 2)}
    assert all(isinstance(entry, tuple) for entry in compiled.values())
