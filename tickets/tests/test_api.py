"""The ticket API: every endpoint's happy path, visibility (404 for others' tickets),
tier permissions, optimistic locking, token authentication and malformed input."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgentTier, ApiToken, User
from accounts.services import api_token_create, api_token_revoke
from accounts.tests.factories import CustomerFactory
from tickets.models import Channel, CSATResponse, MessageKind, Priority, Status, Ticket, TicketMessage
from tickets.services import ticket_escalate, ticket_reply, ticket_status_set
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: object, **extra: str):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def _url(name: str, ticket: Ticket | int) -> str:
    return reverse(f"api:ticket-{name}", kwargs={"pk": ticket if isinstance(ticket, int) else ticket.pk})


def _tier2_ticket(customer: User, tier1_agent: User) -> Ticket:
    return ticket_escalate(ticket=open_ticket(customer), actor=tier1_agent, reason="needs tier 2")


def _resolved_ticket(customer: User, agent: User) -> Ticket:
    ticket = open_ticket(customer)
    return ticket_status_set(ticket=ticket, actor=agent, status=Status.RESOLVED)


# --- list ----------------------------------------------------------------------------------


def test_customer_lists_only_their_own_tickets(customer_a, customer_b, customer_a_client):
    # given
    own = open_ticket(customer_a)
    open_ticket(customer_b)
    # when
    response = customer_a_client.get(reverse("api:ticket-list"))
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [row["id"] for row in body["results"]] == [own.pk]
    assert body["results"][0]["reference"] == f"HD-{own.pk}"


def test_desk_user_lists_every_ticket_and_filters_with_the_queue_parameters(customer_a, customer_b, tier1_client):
    # given
    first = open_ticket(customer_a, priority=Priority.URGENT)
    second = open_ticket(customer_b)
    # when
    everything = tier1_client.get(reverse("api:ticket-list"))
    urgent = tier1_client.get(reverse("api:ticket-list"), {"priority": "urgent"})
    # then
    assert {row["id"] for row in everything.json()["results"]} == {first.pk, second.pk}
    assert [row["id"] for row in urgent.json()["results"]] == [first.pk]


@pytest.mark.parametrize("common", [True, False])
def test_text_search_counts_and_lists_the_same_tickets_whichever_way(
    common, customer_a, tier1_client, tier1_agent, monkeypatch
):
    # given a common word (the page walks the newest tickets, the count hashes the matches)
    # or a rare one (both read the index), in subjects, replies and notes
    from tickets import filters

    monkeypatch.setattr(filters, "COMMON_HITS", 1 if common else 10**6)
    found = [open_ticket(customer_a, subject="发票抬头"), open_ticket(customer_a, body="电子发票没收到")]
    ticket_reply(ticket=found[1], author=tier1_agent, body="note: 发票 checked", internal=True)
    found.append(open_ticket(customer_a, subject="问题"))
    ticket_reply(ticket=found[2], author=tier1_agent, body="已补开发票", internal=False)
    open_ticket(customer_a, subject="退款", body="不想学了")
    # when
    body = tier1_client.get(reverse("api:ticket-list"), {"q": "发票"}).json()
    # then
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [t.pk for t in reversed(found)]


def test_queue_filters_reject_unknown_values(tier1_client):
    response = tier1_client.get(reverse("api:ticket-list"), {"status": "nonsense", "tier": "99999999999999999999"})
    assert response.status_code == 400
    assert {"status", "tier"} <= set(response.json())


@pytest.mark.parametrize("count", [1, 20])
def test_list_makes_a_constant_number_of_queries(
    count, customer_a, tier1_client, customer_a_client, django_assert_num_queries
):
    # given
    for _ in range(count):
        open_ticket(customer_a, category=category("payment"))
    # when / then: session, user, count, page (the permission set was cached at sign-in)
    with django_assert_num_queries(4):
        desk = tier1_client.get(reverse("api:ticket-list"))
    with django_assert_num_queries(4):
        own = customer_a_client.get(reverse("api:ticket-list"))
    assert len(desk.json()["results"]) == len(own.json()["results"]) == count


# --- create --------------------------------------------------------------------------------


def test_customer_opens_a_ticket_on_the_api_channel(customer_a, customer_a_client):
    # given
    order = customer_a.orders.get()
    # when
    response = _post(
        customer_a_client,
        reverse("api:ticket-list"),
        {"subject": "Video stalls", "body": "Lesson 3 keeps loading.", "category": "payment", "order": order.pk},
    )
    # then
    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.customer, ticket.channel, ticket.order, ticket.category.slug) == (
        customer_a,
        Channel.API,
        order,
        "payment",
    )
    assert body["reference"] == ticket.reference
    assert body["category"] == "payment"
    assert [m["body"] for m in body["messages"]] == ["Lesson 3 keeps loading."]
    assert body["first_response_due_at"] is not None


def test_customer_cannot_attach_someone_elses_order(customer_a, customer_b, customer_a_client):
    # when
    response = _post(
        customer_a_client,
        reverse("api:ticket-list"),
        {"subject": "Refund", "body": "Please.", "order": customer_b.orders.get().pk},
    )
    # then
    assert response.status_code == 400
    assert "order" in response.json()
    assert not Ticket.objects.exists()


def test_customer_cannot_set_the_priority(customer_a_client):
    response = _post(customer_a_client, reverse("api:ticket-list"), {"subject": "s", "body": "b", "priority": "urgent"})
    assert response.status_code == 400
    assert "priority" in response.json()
    assert not Ticket.objects.exists()


def test_desk_user_opens_a_ticket_for_a_new_customer(tier1_agent, tier1_client):
    # when
    response = _post(
        tier1_client,
        reverse("api:ticket-list"),
        {
            "subject": "WeChat message",
            "body": "Cannot log in.",
            "priority": "high",
            "customer_email": "New.Person@Example.com",
            "customer_name": "New Person",
        },
    )
    # then
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.customer.email == "new.person@example.com"
    assert ticket.customer.name == "New Person"
    assert (ticket.priority, ticket.channel) == (Priority.HIGH, Channel.API)
    assert ticket.messages.get().author == tier1_agent


def test_desk_user_opens_a_ticket_for_a_known_customer(customer_a, tier1_client):
    response = _post(
        tier1_client,
        reverse("api:ticket-list"),
        {"subject": "s", "body": "b", "customer_email": "CUSTOMER-A@example.com", "order": customer_a.orders.get().pk},
    )
    assert response.status_code == 201
    assert Ticket.objects.get().customer == customer_a
    assert User.objects.filter(email__iexact="customer-a@example.com").count() == 1


def test_desk_user_must_name_a_customer_who_is_not_staff(tier2_agent, tier1_client):
    missing = _post(tier1_client, reverse("api:ticket-list"), {"subject": "s", "body": "b"})
    staff = _post(
        tier1_client, reverse("api:ticket-list"), {"subject": "s", "body": "b", "customer_email": tier2_agent.email}
    )
    assert missing.status_code == staff.status_code == 400
    assert "customer_email" in missing.json()
    assert "customer_email" in staff.json()
    assert not Ticket.objects.exists()


# --- detail --------------------------------------------------------------------------------


def test_customer_reads_their_ticket_without_internal_notes(customer_a, tier1_agent, customer_a_client):
    # given
    ticket = open_ticket(customer_a)
    ticket_reply(ticket=ticket, author=tier1_agent, body="Internal: refund fraud suspected", internal=True)
    ticket_reply(ticket=ticket, author=tier1_agent, body="We are looking into it.")
    # when
    response = customer_a_client.get(_url("detail", ticket))
    # then
    assert response.status_code == 200
    body = response.json()
    assert [m["kind"] for m in body["messages"]] == [MessageKind.REPLY, MessageKind.REPLY]
    assert "fraud" not in response.content.decode()
    assert body["version"] == Ticket.objects.get(pk=ticket.pk).version
    assert {"status", "tier", "priority", "category", "reference", "resolution_due_at", "created_at"} <= set(body)


def test_desk_user_reads_internal_notes(customer_a, tier1_agent, tier1_client):
    ticket = open_ticket(customer_a)
    ticket_reply(ticket=ticket, author=tier1_agent, body="Internal: check the payment log", internal=True)
    response = tier1_client.get(_url("detail", ticket))
    assert response.status_code == 200
    assert MessageKind.NOTE in [m["kind"] for m in response.json()["messages"]]


def test_customer_gets_404_for_another_customers_ticket(customer_b, customer_a_client):
    ticket = open_ticket(customer_b)
    response = customer_a_client.get(_url("detail", ticket))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", "%C2%B2"])
def test_ids_that_are_not_integers_are_not_found(pk, tier1_client):
    assert tier1_client.get(f"/api/tickets/{pk}/").status_code == 404


def test_huge_ids_are_not_found(tier1_client):
    assert tier1_client.get(_url("detail", 10**30)).status_code == 404
    assert _post(tier1_client, _url("reply", 10**30), {"body": "x"}).status_code == 404


def test_anonymous_is_refused(customer_a, anon_client):
    ticket = open_ticket(customer_a)
    assert anon_client.get(reverse("api:ticket-list")).status_code in (401, 403)
    assert anon_client.get(_url("detail", ticket)).status_code in (401, 403)
    assert _post(anon_client, reverse("api:ticket-list"), {"subject": "s", "body": "b"}).status_code in (401, 403)
    assert _post(anon_client, _url("reply", ticket), {"body": "b"}).status_code in (401, 403)


# --- reply ---------------------------------------------------------------------------------


def test_customer_replies_to_their_ticket(customer_a, customer_a_client):
    ticket = open_ticket(customer_a)
    response = _post(customer_a_client, _url("reply", ticket), {"body": "Still broken."})
    assert response.status_code == 201
    assert response.json()["from_customer"] is True
    assert ticket.messages.last().body == "Still broken."


def test_agent_adds_a_note_and_sets_a_status_with_a_reply(customer_a, tier1_client):
    ticket = open_ticket(customer_a)
    note = _post(tier1_client, _url("reply", ticket), {"body": "Checking logs", "internal": True})
    reply = _post(tier1_client, _url("reply", ticket), {"body": "Please retry.", "status": "pending"})
    assert (note.status_code, reply.status_code) == (201, 201)
    assert note.json()["kind"] == MessageKind.NOTE
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING


def test_customer_cannot_add_internal_notes(customer_a, customer_a_client):
    ticket = open_ticket(customer_a)
    response = _post(customer_a_client, _url("reply", ticket), {"body": "x", "internal": True})
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert ticket.messages.count() == 1


def test_customer_cannot_reply_to_another_customers_ticket(customer_b, customer_a_client):
    ticket = open_ticket(customer_b)
    response = _post(customer_a_client, _url("reply", ticket), {"body": "hello"})
    assert response.status_code == 404
    assert ticket.messages.count() == 1


def test_stale_expected_version_is_a_conflict_and_changes_nothing(customer_a, tier1_agent, tier1_client):
    # given: someone saved since the client read version 1
    ticket = open_ticket(customer_a)
    stale = Ticket.objects.get(pk=ticket.pk).version
    ticket_reply(ticket=ticket, author=tier1_agent, body="first")
    before = Ticket.objects.get(pk=ticket.pk)
    # when
    reply = _post(tier1_client, _url("reply", ticket), {"body": "second", "expected_version": stale})
    status = _post(tier1_client, _url("status", ticket), {"status": "pending", "expected_version": stale})
    escalate = _post(tier1_client, _url("escalate", ticket), {"reason": "x", "expected_version": stale})
    # then
    assert (reply.status_code, status.status_code, escalate.status_code) == (409, 409, 409)
    assert reply.json()["code"] == "conflict"
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.version, after.status, after.tier) == (before.version, before.status, before.tier)
    assert not TicketMessage.objects.filter(body="second").exists()


def test_current_expected_version_is_accepted(customer_a, tier1_client):
    ticket = open_ticket(customer_a)
    version = tier1_client.get(_url("detail", ticket)).json()["version"]
    response = _post(tier1_client, _url("reply", ticket), {"body": "ok", "expected_version": version})
    assert response.status_code == 201


# --- rate ----------------------------------------------------------------------------------


def test_customer_rates_a_resolved_ticket(customer_a, tier1_agent, customer_a_client):
    ticket = _resolved_ticket(customer_a, tier1_agent)
    response = _post(customer_a_client, _url("rate", ticket), {"rating": 5, "comment": "Quick help"})
    assert response.status_code == 201
    assert response.json()["rating"] == 5
    assert CSATResponse.objects.get(ticket=ticket).comment == "Quick help"


def test_rating_twice_or_before_resolution_is_refused(customer_a, tier1_agent, customer_a_client):
    resolved = _resolved_ticket(customer_a, tier1_agent)
    active = open_ticket(customer_a)
    _post(customer_a_client, _url("rate", resolved), {"rating": 4})
    again = _post(customer_a_client, _url("rate", resolved), {"rating": 1})
    early = _post(customer_a_client, _url("rate", active), {"rating": 1})
    assert (again.status_code, early.status_code) == (400, 400)
    assert again.json()["code"] == "survey_error"
    assert CSATResponse.objects.get().rating == 4


def test_customer_cannot_rate_another_customers_ticket(customer_b, tier1_agent, customer_a_client):
    ticket = _resolved_ticket(customer_b, tier1_agent)
    assert _post(customer_a_client, _url("rate", ticket), {"rating": 1}).status_code == 404
    assert not CSATResponse.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1, 10**30, "five", None, 4.5, [5]])
def test_ratings_out_of_range_or_of_the_wrong_type_are_refused(rating, customer_a, tier1_agent, customer_a_client):
    ticket = _resolved_ticket(customer_a, tier1_agent)
    response = _post(customer_a_client, _url("rate", ticket), {"rating": rating})
    assert response.status_code == 400
    assert "rating" in response.json()


# --- escalate, deescalate, status ----------------------------------------------------------


def test_tier1_agent_escalates_and_tier2_hands_back(customer_a, tier1_client, tier2_client):
    ticket = open_ticket(customer_a)
    up = _post(tier1_client, _url("escalate", ticket), {"reason": "Payment channel reconciliation"})
    assert up.status_code == 200
    assert up.json()["tier"] == AgentTier.TIER_2
    down = _post(tier2_client, _url("deescalate", ticket), {"reason": "Routine after all"})
    assert down.status_code == 200
    assert down.json()["tier"] == AgentTier.TIER_1
    assert down.json()["version"] > up.json()["version"]


def test_tier1_agent_reads_but_cannot_act_on_a_tier2_ticket(customer_a, tier1_agent, tier1_client):
    # given
    ticket = _tier2_ticket(customer_a, tier1_agent)
    version = Ticket.objects.get(pk=ticket.pk).version
    # when
    read = tier1_client.get(_url("detail", ticket))
    reply = _post(tier1_client, _url("reply", ticket), {"body": "mine now"})
    status = _post(tier1_client, _url("status", ticket), {"status": "resolved"})
    down = _post(tier1_client, _url("deescalate", ticket), {"reason": "x"})
    # then
    assert read.status_code == 200
    assert (reply.status_code, status.status_code, down.status_code) == (403, 403, 403)
    assert Ticket.objects.get(pk=ticket.pk).version == version


def test_escalating_a_tier2_ticket_is_a_wrong_state(customer_a, tier1_agent, tier2_client):
    ticket = _tier2_ticket(customer_a, tier1_agent)
    response = _post(tier2_client, _url("escalate", ticket), {"reason": "again"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"


def test_customers_cannot_use_desk_actions(customer_a, customer_a_client):
    ticket = open_ticket(customer_a)
    for name, data in [("escalate", {"reason": "x"}), ("deescalate", {"reason": "x"}), ("status", {"status": "open"})]:
        assert _post(customer_a_client, _url(name, ticket), data).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).tier == AgentTier.TIER_1


def test_agent_resolves_a_complaint_only_with_a_resolution(customer_a, tier2_client):
    ticket = open_ticket(customer_a, category=category("complaint"))  # escalated by rule
    refused = _post(tier2_client, _url("status", ticket), {"status": "resolved"})
    done = _post(tier2_client, _url("status", ticket), {"status": "resolved", "resolution": "Refunded in full."})
    assert refused.status_code == 400
    assert refused.json()["code"] == "complaint_needs_resolution"
    assert done.status_code == 200
    assert done.json()["status"] == Status.RESOLVED


def test_impossible_status_change_is_a_wrong_state(customer_a, tier1_client):
    ticket = open_ticket(customer_a)
    response = _post(tier1_client, _url("status", ticket), {"status": "closed"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"


# --- confirm -------------------------------------------------------------------------------


def test_customer_confirms_solved_then_closed(customer_a, tier1_agent, customer_a_client):
    ticket = _resolved_ticket(customer_a, tier1_agent)
    response = _post(customer_a_client, _url("confirm", ticket), {"solved": True})
    assert response.status_code == 200
    assert response.json()["status"] == Status.CLOSED


def test_customer_says_not_solved_and_the_ticket_reopens(customer_a, tier1_agent, customer_a_client):
    ticket = _resolved_ticket(customer_a, tier1_agent)
    response = _post(customer_a_client, _url("confirm", ticket), {"solved": False})
    assert response.status_code == 200
    assert response.json()["status"] == Status.OPEN


def test_customer_cannot_confirm_another_customers_ticket(customer_b, customer_a_client):
    ticket = open_ticket(customer_b)
    assert _post(customer_a_client, _url("confirm", ticket), {"solved": True}).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


# --- authentication and malformed input ----------------------------------------------------


def test_token_authentication_works_without_a_session(customer_a):
    # given
    _token, key = api_token_create(user=customer_a, name="app", scope="write")
    client = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    # when
    created = _post(client, reverse("api:ticket-list"), {"subject": "From the app", "body": "Hi"}, **auth)
    listed = client.get(reverse("api:ticket-list"), **auth)
    # then
    assert created.status_code == 201
    assert listed.json()["count"] == 1
    assert Ticket.objects.get().customer == customer_a


def test_tokens_are_stored_hashed_expire_and_keep_to_their_scope(customer_a):
    # given
    token, key = api_token_create(user=customer_a, name="app", scope="read", days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    # then: only the digest is stored
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values_list().get())
    # a read-scoped token reads, and may not write
    assert Client().get(reverse("api:ticket-list"), **auth).status_code == 200
    refused = _post(Client(), reverse("api:ticket-list"), {"subject": "x", "body": "y"}, **auth)
    assert refused.status_code == 403
    # expired or revoked: refused
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert Client().get(reverse("api:ticket-list"), **auth).status_code in (401, 403)
    api_token_revoke(token=token)
    assert Client().get(reverse("api:ticket-list"), **auth).status_code in (401, 403)


def test_bad_token_is_refused(customer_a):
    response = Client().get(reverse("api:ticket-list"), HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code in (401, 403)


def test_bad_json_is_a_400(customer_a_client):
    response = customer_a_client.post(reverse("api:ticket-list"), data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"subject": "s"},
        {"subject": {"a": 1}, "body": "b"},
        {"subject": "s", "body": ["b"]},
        {"subject": "s", "body": "b", "category": "no-such-category"},
        {"subject": "s", "body": "b", "category": 7},
        {"subject": "s", "body": "b", "order": 10**30},
        {"subject": "s", "body": "b", "order": "abc"},
        {"subject": "s", "body": "b\x00"},
        {"subject": "   ", "body": "b"},
        [],
        "text",
        None,
    ],
)
def test_malformed_ticket_input_is_a_400(data, customer_a_client):
    response = _post(customer_a_client, reverse("api:ticket-list"), data)
    assert response.status_code == 400
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("status", {"status": "done"}),
        ("status", {}),
        ("status", {"status": "open", "expected_version": 10**30}),
        ("status", {"status": "open", "expected_version": "latest"}),
        ("escalate", {"reason": ""}),
        ("escalate", {"reason": "x", "expected_version": -1}),
        ("reply", {"body": "x", "status": "unknown"}),
        ("reply", {"body": "x", "internal": "perhaps"}),
        ("confirm", {}),
        ("confirm", {"solved": "maybe"}),
    ],
)
def test_malformed_action_input_is_a_400(name, data, customer_a, tier1_client):
    ticket = open_ticket(customer_a)
    version = Ticket.objects.get(pk=ticket.pk).version
    response = _post(tier1_client, _url(name, ticket), data)
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).version == version


def test_a_second_new_customer_with_the_same_email_is_not_created(tier1_client):
    for _ in range(2):
        _post(
            tier1_client, reverse("api:ticket-list"), {"subject": "s", "body": "b", "customer_email": "x@example.com"}
        )
    assert User.objects.filter(email="x@example.com").count() == 1
    assert Ticket.objects.filter(customer__email="x@example.com").count() == 2


def test_customers_created_elsewhere_are_found_case_insensitively(tier1_client):
    CustomerFactory(email="mixed@example.com")
    response = _post(
        tier1_client, reverse("api:ticket-list"), {"subject": "s", "body": "b", "customer_email": "MIXED@example.com"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("q", ["²", "99999999999999999999999", "HD-99999999999999999999", "\x00", "a@"])
def test_queue_search_with_odd_input_is_not_a_server_error(q, customer_a, tier1_client):
    open_ticket(customer_a)
    response = tier1_client.get(reverse("api:ticket-list"), {"q": q})
    assert response.status_code in (200, 400)
