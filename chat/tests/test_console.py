"""The desk's chat console: who may open it, the agent's live chats, reply, typing, read
receipts, transfer to another agent or tier 2, end; tier rules as on the ticket page."""

import pytest
from django.urls import reverse

from accounts.models import AgentTier
from chat.models import Conversation, ConversationState
from chat.tests.conftest import Visitor
from helpdesk.models import Event
from tickets.models import CannedResponse, Status, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_over(tier1_agent) -> tuple[Visitor, Conversation]:
    visitor = Visitor()
    visitor.start(name="Wang Fang", email="wang.fang@example.cn", message="My certificate is missing")
    visitor.post("hand-over/")
    conversation = Conversation.objects.select_related("ticket").get(pk=int(visitor.token.split(".")[0]))
    assert conversation.ticket.assignee == tier1_agent
    return visitor, conversation


URLS = [
    ("get", "desk:chat-console", False),
    ("get", "desk:chat-detail", True),
    ("get", "desk:chat-messages", True),
    ("post", "desk:chat-reply", True),
    ("post", "desk:chat-typing", True),
    ("post", "desk:chat-read", True),
    ("post", "desk:chat-transfer", True),
    ("post", "desk:chat-end", True),
]


@pytest.mark.parametrize(("method", "name", "with_pk"), URLS)
@pytest.mark.parametrize(("role", "expected"), [("anon", 302), ("customer_a", 403)])
def test_only_desk_users_open_the_console(clients, handed_over, method, name, with_pk, role, expected):
    _visitor, conversation = handed_over
    url = reverse(name, args=[conversation.ticket_id] if with_pk else [])
    response = getattr(clients(role), method)(url, {"body": "hi", "upto": "1"})
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]
    assert TicketMessage.objects.filter(ticket=conversation.ticket).count() == 3  # question, bot, hand-over


def test_the_console_lists_the_agents_chats_with_context_and_canned_responses(tier1_client, handed_over):
    _visitor, conversation = handed_over
    CannedResponse.objects.create(
        key="certificate", title="Certificate", body="Your certificate is on its way.", language="en"
    )
    listing = tier1_client.get(reverse("desk:chat-console"))
    assert f'data-ticket="{conversation.ticket_id}"' in listing.content.decode()
    page = tier1_client.get(reverse("desk:chat-detail", args=[conversation.ticket_id])).content.decode()
    assert "My certificate is missing" in page
    assert 'data-testid="customer-context"' in page
    assert "Certificate (" in page  # the canned responses' menu
    assert reverse("desk:kb-ticket-suggestions", args=[conversation.ticket_id]) in page


def test_a_chat_of_another_channel_is_a_404(tier1_client, customer_a):
    from tickets.tests.factories import open_ticket  # noqa: PLC0415

    ticket = open_ticket(customer_a)
    assert tier1_client.get(reverse("desk:chat-detail", args=[ticket.pk])).status_code == 404


def test_the_agent_replies_and_the_visitor_sees_it_with_the_agents_name(tier1_client, handed_over, tier1_agent):
    visitor, conversation = handed_over
    response = tier1_client.post(
        reverse("desk:chat-reply", args=[conversation.ticket_id]),
        {"body": "Hello, I am looking into it."},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    latest = visitor.get("conversation/").json()["messages"][-1]
    assert (latest["side"], latest["name"], latest["body"]) == (
        "agent",
        tier1_agent.name,
        "Hello, I am looking into it.",
    )
    conversation.ticket.refresh_from_db()
    assert conversation.ticket.first_responded_at is not None
    assert conversation.ticket.status == Status.OPEN
    # and an empty reply is a clear 400
    url = reverse("desk:chat-reply", args=[conversation.ticket_id])
    empty = tier1_client.post(url, {"body": ""}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 400
    assert empty.json()["detail"]


def test_the_reply_form_works_before_the_consoles_script_runs(tier1_client, handed_over, tier1_agent):
    """A reply sent as a plain form (a click before the script ran, or no JavaScript) is
    posted, never put in the address bar, and lands like the script's."""
    visitor, conversation = handed_over
    detail = reverse("desk:chat-detail", args=[conversation.ticket_id])
    url = reverse("desk:chat-reply", args=[conversation.ticket_id])
    page = tier1_client.get(detail).content.decode()
    assert f'<form id="chat-reply" class="stack" method="post" action="{url}"' in page
    response = tier1_client.post(url, {"body": "Sent without the script."})
    assert (response.status_code, response["Location"]) == (302, detail)
    assert visitor.get("conversation/").json()["messages"][-1]["body"] == "Sent without the script."
    # an empty one comes back to the console with the reason
    response = tier1_client.post(url, {"body": ""}, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert [str(m) for m in response.context["messages"]]


def test_agent_typing_and_reading_reach_the_visitor(tier1_client, handed_over):
    visitor, conversation = handed_over
    assert tier1_client.post(reverse("desk:chat-typing", args=[conversation.ticket_id])).status_code == 204
    assert Event.objects.get(type="chat.typing").payload["side"] == "agent"
    question = visitor.get("conversation/").json()["messages"][0]["id"]
    tier1_client.post(reverse("desk:chat-read", args=[conversation.ticket_id]), {"upto": question})
    assert visitor.get("conversation/").json()["read"]["agent"] == question
    assert tier1_client.post(reverse("desk:chat-read", args=[conversation.ticket_id]), {"upto": "x"}).status_code == 400


def test_the_messages_endpoint_returns_new_messages_after_an_id(tier1_client, handed_over):
    visitor, conversation = handed_over
    url = reverse("desk:chat-messages", args=[conversation.ticket_id])
    first = tier1_client.get(url).json()["messages"]
    visitor.post("messages/", {"body": "Are you there?"})
    newer = tier1_client.get(url, {"after": first[-1]["id"]}).json()
    assert [m["body"] for m in newer["messages"]] == ["Are you there?"]
    assert tier1_client.get(url, {"after": "x"}).status_code == 400


def test_transfer_to_another_agent_and_to_tier_2(tier1_client, handed_over, tier2_agent, django_user_model):
    _visitor, conversation = handed_over
    from accounts.services import agent_presence_record  # noqa: PLC0415
    from accounts.tests.factories import agent  # noqa: PLC0415

    colleague = agent("colleague@example.com", tier=AgentTier.TIER_1)
    url = reverse("desk:chat-transfer", args=[conversation.ticket_id])
    # a colleague with no desk page open (offline) cannot take a live chat: refused, with why
    refused = tier1_client.post(url, {"agent": colleague.pk}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"]
    conversation.ticket.refresh_from_db()
    assert conversation.ticket.assignee != colleague
    agent_presence_record(user=colleague, idle_seconds=0)
    assert tier1_client.post(url, {"agent": colleague.pk}).status_code == 302
    conversation.ticket.refresh_from_db()
    assert conversation.ticket.assignee == colleague
    # neither chosen: an error, nothing changes
    tier1_client.post(url, {})
    conversation.ticket.refresh_from_db()
    assert conversation.ticket.assignee == colleague
    assert tier1_client.post(url, {"tier2_reason": "Certificate needs tier 2"}).status_code == 302
    conversation.ticket.refresh_from_db()
    assert conversation.ticket.tier == AgentTier.TIER_2
    assert conversation.ticket.assignee == tier2_agent


def test_a_tier1_agent_may_not_reply_on_a_tier2_chat(tier1_client, tier2_client, handed_over, tier2_agent):
    _visitor, conversation = handed_over
    tier1_client.post(reverse("desk:chat-transfer", args=[conversation.ticket_id]), {"tier2_reason": "billing"})
    response = tier1_client.post(
        reverse("desk:chat-reply", args=[conversation.ticket_id]), {"body": "hi"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    ok = tier2_client.post(
        reverse("desk:chat-reply", args=[conversation.ticket_id]), {"body": "hi"}, HTTP_ACCEPT="application/json"
    )
    assert ok.status_code == 201


def test_the_agent_ends_the_chat_and_the_visitor_may_rate_it(tier1_client, handed_over):
    visitor, conversation = handed_over
    response = tier1_client.post(reverse("desk:chat-end", args=[conversation.ticket_id]))
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.ENDED
    assert conversation.ticket.status == Status.RESOLVED
    data = visitor.get("conversation/").json()
    assert data["can_rate"]
    assert visitor.post("rating/", {"rating": "5"}).status_code == 200
    # the chat left the agent's list
    listing = tier1_client.get(reverse("desk:chat-console")).content.decode()
    assert f'data-ticket="{conversation.ticket_id}"' not in listing


def test_the_console_page_query_count_does_not_grow_with_messages(
    tier1_client, handed_over, django_assert_max_num_queries
):
    visitor, conversation = handed_over
    url = reverse("desk:chat-detail", args=[conversation.ticket_id])
    tier1_client.get(url)
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as few:
        tier1_client.get(url)
    for n in range(10):
        visitor.post("messages/", {"body": f"message {n}"})
    with CaptureQueriesContext(connection) as many:
        tier1_client.get(url)
    assert len(many) == len(few)


def test_a_chat_customer_is_mailed_an_agents_reply_only_when_unread_after_a_delay(handed_over, settings, monkeypatch):
    from django.core import mail  # noqa: PLC0415

    from tickets import consumers  # noqa: PLC0415
    from tickets.email.outbound import notification_email_send  # noqa: PLC0415
    from tickets.models import Notification  # noqa: PLC0415
    from tickets.tasks import notification_email_send_task  # noqa: PLC0415

    visitor, conversation = handed_over
    ticket = conversation.ticket
    settings.HELPDESK_CHAT_EMAIL_DELAY_SECONDS = 300
    read = Notification.objects.create(recipient=ticket.customer, type="tickets.ticket.agent_replied", ticket=ticket)
    # the mail of a chat customer's notification is queued to leave later, not at once
    queued = []
    monkeypatch.setattr(notification_email_send_task, "apply_async", lambda args, **kw: queued.append((args, kw)))
    monkeypatch.setattr(notification_email_send_task, "delay", lambda *args: queued.append((args, {})))
    consumers.notification_mails_enqueue(Event(type="tickets.notification.created", payload={"ids": [read.pk]}))
    assert queued == [((read.pk,), {"countdown": 300})]
    # the customer reads the conversation in the widget: what they read is not mailed
    last = TicketMessage.objects.filter(ticket=ticket).order_by("-pk").values_list("pk", flat=True).first()
    assert visitor.post("read/", {"upto": last}).status_code == 204
    mail.outbox.clear()
    assert notification_email_send(notification_id=read.pk) is None
    assert mail.outbox == []
    # a notification that arrives after that, and stays unread, is mailed when due
    later = Notification.objects.create(recipient=ticket.customer, type="tickets.ticket.agent_replied", ticket=ticket)
    assert notification_email_send(notification_id=later.pk) is not None
    assert [m.to for m in mail.outbox] == [[ticket.customer.email]]
