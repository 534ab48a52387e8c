"""Queries of one new ticket on each channel, pinned so that they cannot creep back
(docs/benchmarks.md, "ticket creation with the outbox in the write path").

What a new ticket costs, inside its transaction: the customer (with the customer role
and profile, one SELECT), the SLA policy, routing's candidates with their load, the
ticket's INSERT (with its SLA due times, tier and assignee), its first message, the
assignee's ``last_assigned_at``, then one multi-row INSERT each for the trail, the
notifications and the outbox. Notifications' mails, the auto-answer and webhooks are
the outbox's consumers, after commit."""

import pytest
from django.urls import reverse

from accounts.models import AgentTier, ApiTokenScope, CustomerProfile
from accounts.services import api_token_create, customer_get_or_create
from helpdesk.models import Event
from tickets.email.ingest import Outcome, mail_ingest
from tickets.models import Notification, Ticket, TicketEvent
from tickets.tests.factories import category

# The savepoint of the caller's atomic block (two statements) is counted: in a test it
# stands for BEGIN and COMMIT. The service's own block takes no savepoint inside the
# caller's (it decides every refusal before it writes): two statements fewer than before.
TICKET_WRITES = 9  # SLA policy, routing, ticket, message, agent, trail, notifications, outbox, customer
SAVEPOINTS = 2

CUSTOMER = "known.customer@example.com"


@pytest.fixture
def known_customer(db):
    return customer_get_or_create(email=CUSTOMER, name="Known")


def _assert_one_ticket_in_few_rows(customer, assignee):
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.assignee == assignee
    assert sorted(TicketEvent.objects.filter(ticket=ticket).values_list("type", flat=True)) == [
        "tickets.ticket.assigned",
        "tickets.ticket.created",
    ]
    assert sorted(Notification.objects.filter(ticket=ticket).values_list("type", flat=True)) == [
        "tickets.ticket.assigned",
        "tickets.ticket.received",
    ]
    assert Event.objects.filter(ticket_id=ticket.pk).count() == 3  # created, assigned, notifications


def test_help_center_form_ticket_queries(anon_client, known_customer, tier1_agent, django_assert_num_queries):
    anon_client.get(reverse("help:ticket-new"))
    form = {"name": "Known", "email": CUSTOMER.upper(), "subject": "Queries", "message": "How many?"}
    with django_assert_num_queries(TICKET_WRITES + SAVEPOINTS):  # no session row: a signed cookie
        response = anon_client.post(reverse("help:ticket-new"), form)
    assert response.status_code == 302
    _assert_one_ticket_in_few_rows(known_customer, tier1_agent)
    assert Ticket.objects.get().reference in anon_client.get(response["Location"]).content.decode()


def test_api_ticket_queries(client, known_customer, tier1_agent, django_assert_num_queries):
    _token, key = api_token_create(user=tier1_agent, name="queries", scope=ApiTokenScope.WRITE)
    body = {"subject": "Queries", "body": "How many?", "customer_email": CUSTOMER}
    # and the token with its user, its first use (recorded at most every ten minutes), and the
    # agent's permissions (users' and groups')
    with django_assert_num_queries(TICKET_WRITES + SAVEPOINTS + 4):
        response = client.post(
            "/api/tickets/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )
    assert response.status_code == 201, response.content
    assert [m["body"] for m in response.json()["messages"]] == ["How many?"]
    assert response.json()["messages"][0]["attachments"] == []
    _assert_one_ticket_in_few_rows(known_customer, tier1_agent)


def test_email_ticket_queries(known_customer, tier1_agent, django_assert_num_queries):
    raw = f"From: {CUSTOMER}\nSubject: Queries\nMessage-ID: <q@x>\n\nHow many?\n".encode()
    # and the Message-ID check, the mailbox of the address, the sender's rate limit, whether
    # the sender is an agent (their permissions: users' and groups'), and the stored mail
    with django_assert_num_queries(TICKET_WRITES + SAVEPOINTS + 6):
        result = mail_ingest(raw=raw)
    assert result.outcome == Outcome.CREATED
    _assert_one_ticket_in_few_rows(known_customer, tier1_agent)


def test_a_vip_read_with_the_customer_still_goes_to_tier2(anon_client, known_customer, tier1_agent, tier2_agent):
    # given the customer became a VIP after being loaded once
    CustomerProfile.objects.filter(user=known_customer).update(is_vip=True)
    # when they file a ticket from the help center (the VIP flag comes with the customer's row)
    form = {"name": "Known", "email": CUSTOMER, "subject": "VIP", "message": "Help."}
    anon_client.post(reverse("help:ticket-new"), form)
    # then the ticket is escalated at once and routed to tier 2
    ticket = Ticket.objects.get(customer=known_customer)
    assert (ticket.tier, ticket.assignee, ticket.escalated_at) == (AgentTier.TIER_2, tier2_agent, ticket.created_at)
    assert list(TicketEvent.objects.filter(ticket=ticket).order_by("pk").values_list("type", "reason")) == [
        ("tickets.ticket.created", ""),
        ("tickets.ticket.escalated", "VIP customer"),
        ("tickets.ticket.assigned", "VIP customer"),
    ]


def test_api_ticket_with_a_category_queries(client, known_customer, tier1_agent, django_assert_num_queries):
    _token, key = api_token_create(user=tier1_agent, name="queries", scope=ApiTokenScope.WRITE)
    tier1_agent.agent_profile.skills.add(category("payment"))
    body = {"subject": "Queries", "body": "How many?", "customer_email": CUSTOMER, "category": "payment"}
    # as without a category, and the category's look-up by its slug; routing prefers the
    # skilled agents in the same one statement
    with django_assert_num_queries(TICKET_WRITES + SAVEPOINTS + 4 + 1):
        response = client.post(
            "/api/tickets/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )
    assert response.status_code == 201, response.content
    _assert_one_ticket_in_few_rows(known_customer, tier1_agent)
