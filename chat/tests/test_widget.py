"""The widget's endpoints: start (platform JWT or anonymous visitor), messages and files,
the bot, the hand-over (to a person, or to e-mail outside business hours or with nobody
free), typing, read receipts, end and rating; and who may reach which conversation."""

import gzip
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts.models import AgentProfile
from chat.models import Conversation, ConversationState
from chat.tests.conftest import Visitor, platform_jwt
from chat.views.widget import STATIC
from helpdesk.models import Event
from kb.autoanswer import ticket_auto_answer
from kb.tests.factories import article
from tickets.models import BusinessHours, Channel, CSATResponse, SLAPolicy, Status, Ticket, TicketMessage

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _conversation(visitor: Visitor) -> Conversation:
    return Conversation.objects.select_related("ticket").get(pk=int(visitor.token.split(".")[0]))


def test_an_anonymous_visitor_starts_a_chat_ticket_and_the_bot_answers_from_the_knowledge_base(visitor):
    # given an article about playback
    found = article("Video does not play", "Clear the cache of the app, then play the lesson video again.")
    # when a visitor asks
    response = visitor.start(name="Wang Fang", email="wang.fang@example.cn", message="The lesson video does not play")
    # then a chat ticket holds the question, unrouted (the bot answers first)
    assert response.status_code == 201
    conversation = _conversation(visitor)
    ticket = conversation.ticket
    assert (ticket.channel, ticket.assignee_id, ticket.customer.email) == (Channel.CHAT, None, "wang.fang@example.cn")
    assert conversation.state == ConversationState.BOT
    assert not conversation.identified
    # and the bot's answer, a public automatic message without author, links the article
    messages = response.json()["conversation"]["messages"]
    assert [m["side"] for m in messages] == ["customer", "bot"]
    assert f"http://testserver{reverse('help:article-detail', args=[found.pk])}" in messages[1]["body"]
    bot = TicketMessage.objects.get(pk=messages[1]["id"])
    assert (bot.is_automatic, bot.author_id, bot.is_public) == (True, None, True)
    # and the smart-answers task leaves the chat alone (no second answer by e-mail)
    assert ticket_auto_answer(ticket_id=ticket.pk) is False
    assert ticket.messages.count() == 2


def test_the_bot_says_so_when_no_article_matches(started):
    body = started.get("conversation/").json()["messages"][-1]["body"]
    assert "Talk to a person" in body


def test_a_platform_learner_is_identified_by_the_jwt(visitor, integration):
    response = visitor.start(jwt=platform_jwt(integration), message="我的课程打不开")
    assert response.status_code == 201
    conversation = _conversation(visitor)
    assert conversation.identified
    assert conversation.ticket.customer.email == "li.lei@example.cn"
    assert conversation.ticket.customer.customer_profile.platform_user_id == "learner-7"


def test_a_replayed_or_forged_jwt_is_refused(visitor, integration):
    token = platform_jwt(integration)
    assert visitor.start(jwt=token, message="hello").status_code == 201
    again = Visitor().start(jwt=token, message="hello")
    assert again.status_code == 403
    forged = Visitor().start(jwt=token[:-4] + "AAAA", message="hello")
    assert forged.status_code == 403
    assert forged.json()["detail"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Wang", "email": "not-an-address", "message": "hi"}, "e-mail"),
        ({"name": "", "email": "w@example.cn", "message": "hi"}, "name"),
        ({"name": "Wang", "email": "w@example.cn", "message": "  "}, "question"),
    ],
)
def test_bad_start_input_is_a_clear_400(visitor, data, field):
    response = visitor.start(**data)
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert not Ticket.objects.exists()


def test_a_staff_address_cannot_start_an_anonymous_chat(visitor, tier1_agent):
    response = visitor.start(name="x", email=tier1_agent.email, message="hi")
    assert response.status_code == 400


@override_settings(HELPDESK_CHAT_STARTS_PER_HOUR=2)
def test_starting_chats_is_limited_per_address(visitor):
    for _ in range(2):
        assert Visitor().start(name="W", email="w@example.cn", message="hi").status_code == 201
    assert visitor.start(name="W", email="w@example.cn", message="hi").status_code == 429


# ---------------------------------------------------------------------------
# Who reaches which conversation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["anonymous", "other_visitor_token", "forged_key", "customer_session", "agent_session", "garbage"]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "conversation/"),
        ("post", "messages/"),
        ("post", "typing/"),
        ("post", "read/"),
        ("post", "hand-over/"),
        ("post", "end/"),
        ("post", "rating/"),
    ],
)
def test_only_the_visitor_with_the_key_reaches_a_conversation(
    started, who, method, path, customer_a_client, tier1_client
):
    # given A's conversation and B's
    mine = _conversation(started)
    other = Visitor()
    other.start(name="Li", email="li@example.cn", message="another question")
    intruder = Visitor({"customer_session": customer_a_client, "agent_session": tier1_client}.get(who))
    intruder.token = {
        "other_visitor_token": other.token,
        "forged_key": f"{mine.pk}.{'x' * 43}",
        "garbage": "abc",
    }.get(who, "")
    before = TicketMessage.objects.filter(ticket=mine.ticket).count()
    # when someone else calls with anything but A's key
    if method == "get":
        response = intruder.get(path)
    else:
        response = intruder.post(path, {"body": "hi", "upto": "1", "rating": "5"})
    # then they never reach A's conversation: 403 without a valid key, their own otherwise
    if who == "other_visitor_token":
        assert response.status_code in (200, 201, 204, 400)
        if method == "get":
            assert response.json()["reference"] != mine.ticket.reference
    else:
        assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.state == ConversationState.BOT
    assert TicketMessage.objects.filter(ticket=mine.ticket).count() == before


# ---------------------------------------------------------------------------
# Messages, files, typing, read receipts
# ---------------------------------------------------------------------------


def test_the_visitor_writes_and_the_bot_answers_again_while_it_holds_the_chat(started):
    response = started.post("messages/", {"body": "It still does not play"})
    assert response.status_code == 201
    assert response.json()["side"] == "customer"
    sides = [m["side"] for m in started.get("conversation/").json()["messages"]]
    assert sides == ["customer", "bot", "customer", "bot"]


def test_history_after_a_message_returns_only_newer_ones(started):
    first = started.get("conversation/").json()["messages"]
    started.post("messages/", {"body": "more"})
    newer = started.get("conversation/", after=first[-1]["id"]).json()["messages"]
    assert [m["body"] for m in newer][0] == "more"
    assert started.get("conversation/", after="x").status_code == 400


def test_an_image_is_sent_and_served_through_a_signed_link_only(started, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    png = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    response = started.post("messages/", {"body": "", "files": png})
    assert response.status_code == 201
    file = response.json()["files"][0]
    assert (file["image"], file["name"]) == (True, "screen.png")
    assert started.client.get(file["url"]).status_code == 200
    # a tampered link is a 404
    assert started.client.get(file["url"][:-3] + "abc").status_code == 404


def test_a_file_over_the_limit_is_a_clear_400(started, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HELPDESK_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", b"x" * 11, content_type="application/pdf")
    response = started.post("messages/", {"body": "see file", "files": big})
    assert response.status_code == 400
    assert "big.pdf" in response.json()["detail"]


def test_typing_and_read_receipts_are_live_events_for_the_ticket(started):
    conversation = _conversation(started)
    assert started.post("typing/").status_code == 204
    typing = Event.objects.filter(type="chat.typing").get()
    assert (typing.ticket_id, typing.customer_id, typing.payload["side"]) == (
        conversation.ticket_id,
        conversation.ticket.customer_id,
        "customer",
    )
    last = started.get("conversation/").json()["messages"][-1]["id"]
    assert started.post("read/", {"upto": last}).status_code == 204
    assert started.post("read/", {"upto": last}).status_code == 204  # nothing new: no second event
    conversation.refresh_from_db()
    assert conversation.customer_read_upto == last
    assert Event.objects.filter(type="chat.read").count() == 1
    assert started.post("read/", {"upto": "x"}).status_code == 400


# ---------------------------------------------------------------------------
# Hand-over, end, rating
# ---------------------------------------------------------------------------


def test_talk_to_a_person_routes_the_chat_to_an_available_agent(started, tier1_agent):
    response = started.post("hand-over/")
    assert response.status_code == 200
    assert response.json()["state"] == ConversationState.AGENT
    conversation = _conversation(started)
    assert conversation.ticket.assignee == tier1_agent
    assert conversation.ticket.events.filter(type="tickets.ticket.assigned").exists()
    # asking twice changes nothing
    assert started.post("hand-over/").json()["state"] == ConversationState.AGENT


def test_with_no_agent_available_the_chat_becomes_a_ticket_answered_by_email(started, tier1_agent):
    AgentProfile.objects.update(is_available=False)
    assert started.get("conversation/").json()["person_available"] is False
    data = started.post("hand-over/").json()
    assert data["state"] == ConversationState.EMAIL
    assert "wang.fang@example.cn" in data["messages"][-1]["body"]
    ticket = _conversation(started).ticket
    assert ticket.assignee_id is None
    assert ticket.status in (Status.NEW, Status.OPEN)
    # the customer was told of the request by the existing notification (with its link)
    assert ticket.notifications.filter(type="tickets.ticket.received").exists()


def test_outside_business_hours_the_chat_goes_to_email(started, tier1_agent, settings):
    hours = BusinessHours.objects.create(
        name="Chat hours", weekly={str(d): [["09:00", "18:00"]] for d in range(5)}, follows_china_calendar=True
    )
    settings.HELPDESK_CHAT_BUSINESS_HOURS = hours.name
    # National Day (a public holiday), mid-morning
    with time_machine.travel(datetime(2025, 10, 1, 10, 0, tzinfo=SHANGHAI)):
        data = started.post("hand-over/").json()
    assert data["state"] == ConversationState.EMAIL
    assert _conversation(started).ticket.assignee_id is None


def test_within_business_hours_from_the_sla_policy_a_person_answers(started, tier1_agent, settings):
    settings.HELPDESK_CHAT_BUSINESS_HOURS = ""  # the normal priority's SLA calendar
    hours = BusinessHours.objects.create(name="Office", weekly={str(d): [["09:00", "18:00"]] for d in range(5)})
    SLAPolicy.objects.filter(priority="normal").update(business_hours=hours)
    with time_machine.travel(datetime(2025, 10, 9, 10, 0, tzinfo=SHANGHAI)):
        assert started.post("hand-over/").json()["state"] == ConversationState.AGENT


def test_ending_resolves_the_chat_and_the_rating_is_the_tickets_csat(started):
    assert started.post("rating/", {"rating": "5"}).status_code == 400  # not ended yet
    data = started.post("end/").json()
    assert data["state"] == ConversationState.ENDED
    assert data["can_rate"]
    ticket = _conversation(started).ticket
    assert ticket.status == Status.RESOLVED
    assert ticket.deflected_at is not None  # the bot alone answered it
    assert started.post("rating/", {"rating": "9"}).status_code == 400
    assert started.post("rating/", {"rating": "4", "comment": "快"}).status_code == 200
    assert CSATResponse.objects.get(ticket=ticket).rating == 4
    assert started.post("rating/", {"rating": "5"}).status_code == 400  # once
    assert started.post("messages/", {"body": "hello?"}).status_code == 400  # ended


def test_ending_a_chat_handed_to_email_keeps_the_ticket_open(started):
    AgentProfile.objects.update(is_available=False)
    started.post("hand-over/")
    started.post("end/")
    assert _conversation(started).ticket.status != Status.RESOLVED


# ---------------------------------------------------------------------------
# The script, the frame and the stream
# ---------------------------------------------------------------------------


def test_widget_script_is_served_at_a_stable_address(client):
    response = client.get("/chat/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"HelpdeskChat" in response.content


def test_the_launchers_words_come_from_the_catalogue(client, monkeypatch):
    """The launcher speaks the platform page's language with the desk's own translations: a
    change in the catalogue reaches the served script (the file's words are its fallback)."""
    from chat.views import widget  # noqa: PLC0415

    source = client.get("/chat/widget.js").content.decode()
    texts = json.loads(re.search(r"var TEXTS = (\{.*\});", source).group(1))
    assert texts == {
        "zh": {"label": "在线客服", "title": "在线客服"},
        "en": {"label": "Chat with us", "title": "Live chat"},
    }

    def pgettext(context, message):
        chinese = translation.get_language() == "zh-hans"
        return "和我们聊聊" if chinese and message == "Chat with us" else message

    monkeypatch.setattr(widget, "pgettext", pgettext)
    widget._widget_source.cache_clear()
    try:
        source = client.get("/chat/widget.js").content.decode()
    finally:
        widget._widget_source.cache_clear()
    assert json.loads(re.search(r"var TEXTS = (\{.*\});", source).group(1))["zh"]["label"] == "和我们聊聊"


def test_widget_and_frame_assets_stay_under_30_kb_gzipped():
    sizes = {
        name: len(gzip.compress((STATIC / name).read_bytes(), 9)) for name in ("widget.js", "frame.js", "frame.css")
    }
    assert sum(sizes.values()) <= 30 * 1024, sizes


@override_settings(HELPDESK_CHAT_ALLOWED_ORIGINS=["https://www.courses.example", "https://m.courses.example/"])
def test_the_frame_is_embeddable_by_the_platform_origins_only(client):
    response = client.get("/chat/frame/?lang=en")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.courses.example https://m.courses.example" in csp
    assert "script-src 'self'" in csp
    assert "X-Frame-Options" not in response
    # every other page still refuses to be framed
    assert "frame-ancestors 'none'" in client.get("/accounts/login/")["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("query", "headers", "expected"),
    [
        ("?lang=zh-CN", {}, "在线客服"),
        ("?lang=en", {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}, "Live chat"),
        ("", {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}, "在线客服"),
        ("", {"HTTP_ACCEPT_LANGUAGE": "en-US"}, "Live chat"),
    ],
)
def test_the_frame_follows_the_platform_language_then_the_browser(client, query, headers, expected):
    response = client.get(f"/chat/frame/{query}", **headers)
    assert f"<title>{expected}</title>" in response.content.decode()


def test_the_stream_needs_a_valid_signed_link(started, client):
    assert client.get("/chat/api/stream/?s=forged").status_code == 403
    link = started.get("conversation/").json()["stream"]
    # the test client speaks WSGI: 204 tells the frame to poll instead
    assert client.get(link).status_code == 204


def test_the_nightly_prune_deletes_typing_events_older_than_a_day(started):
    from chat.tasks import chat_typing_prune_task  # noqa: PLC0415

    with time_machine.travel(datetime(2025, 10, 8, 10, 0, tzinfo=SHANGHAI)):
        started.post("typing/")
    started.post("typing/")
    started.post("read/", {"upto": started.get("conversation/").json()["messages"][-1]["id"]})
    assert chat_typing_prune_task() == 1
    assert chat_typing_prune_task() == 0
    assert sorted(Event.objects.filter(type__startswith="chat.").values_list("type", flat=True)) == [
        "chat.read",
        "chat.typing",
    ]


def test_the_stream_carries_the_conversations_public_events_only(started):
    from chat.views.widget import _stream_subscription  # noqa: PLC0415
    from live.access import LiveEvent  # noqa: PLC0415

    conversation = _conversation(started)
    link = started.get("conversation/").json()["stream"].split("?s=")[1]
    subscription = _stream_subscription(link)
    customer = conversation.ticket.customer_id

    def event(ticket: int, visibility: str = "public") -> LiveEvent:
        return LiveEvent(
            id=1, type="t", visibility=visibility, ticket_id=ticket, customer_id=customer, actor_id=None, payload={}
        )

    assert subscription.wants(event(conversation.ticket_id))
    # not the desk's events on it (assignment, notes), nor the customer's other tickets
    assert not subscription.wants(event(conversation.ticket_id, visibility="staff"))
    assert not subscription.wants(event(conversation.ticket_id + 1000))
    assert _stream_subscription(link[:-2] + "xx") is None


def test_a_person_is_offered_only_when_an_online_agent_has_a_free_chat_seat(started):
    from accounts.models import AgentTier  # noqa: PLC0415
    from accounts.services import agent_presence_record  # noqa: PLC0415
    from accounts.tests.factories import agent  # noqa: PLC0415

    # an available agent with no desk page open (offline) answers no chat
    colleague = agent("offline@example.com", tier=AgentTier.TIER_1)
    assert started.get("conversation/").json()["person_available"] is False
    # with a desk page open they do, until their chat seats are full
    agent_presence_record(user=colleague, idle_seconds=0)
    assert started.get("conversation/").json()["person_available"] is True
    AgentProfile.objects.filter(user=colleague).update(chat_capacity=0)
    assert started.get("conversation/").json()["person_available"] is False
