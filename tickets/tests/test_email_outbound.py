"""Notifications by email, received by a real SMTP server on loopback (aiosmtpd started by
the fixture): headers, language, links, threading of replies, one-click CSAT."""

import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AgentTier, User
from accounts.signin_links import signin_link_read
from tickets.email.ingest import Outcome, mail_ingest
from tickets.email.outbound import csat_token
from tickets.models import (
    CSATResponse,
    Mailbox,
    MailMessage,
    MailStatus,
    Notification,
    Ticket,
)
from tickets.services import nps_offer_due, sla_breaches_mark, ticket_escalate, ticket_reply, ticket_status_set
from tickets.tasks import notification_email_send_task
from tickets.tests.factories import open_ticket

SITE = "https://help.example.com"


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1; the default mailer sends to it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    with override_settings(MAILERS=mailers, HELPDESK_SITE_URL=SITE, DEFAULT_FROM_EMAIL="support@help.example.com"):
        yield inbox
    controller.stop()


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def _links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def _opens(text: str) -> list[str]:
    """Where the links of a customer's mail lead: each signs in (once) on the way."""
    prefix = f"{SITE}/accounts/link/"
    return [
        signin_link_read(link.removeprefix(prefix).strip("/"))[1] for link in _links(text) if link.startswith(prefix)
    ]


@pytest.mark.django_db
def test_an_agent_reply_is_mailed_in_the_customers_language_and_the_answer_threads_back(
    smtp, django_capture_on_commit_callbacks, tier1_agent
):
    # given a Chinese-speaking customer who wrote in by mail to a configured mailbox
    Mailbox.objects.create(
        name="Support", address="help@support.example.com", imap_host="x", imap_user="x", imap_password="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = mail_ingest(
            raw="From: 张同学 <zhang@example.cn>\nSubject: 视频打不开\nMessage-ID: <zh1@mail.example.cn>\n"
            "Content-Type: text/plain; charset=utf-8\n\n第三节课的视频打不开。\n".encode()
        )
    ticket = first.ticket
    assert ticket.customer.language == "zh-hans"
    (received,) = smtp.to("zhang@example.cn")
    # they wrote from the address, but never signed in: the mail names the reference only
    assert f"我们已收到您的请求 {ticket.reference}" in _parts(received)[0]
    assert "视频打不开" not in received["Subject"]

    # when an agent replies publicly, after an internal note
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, author=tier1_agent, body="内部备注：客户是VIP。", internal=True)
        ticket_reply(ticket=ticket, author=tier1_agent, body="请清除浏览器缓存后重试。")

    # then one more mail, in Chinese, quoting the reply and never the note
    mails = smtp.to("zhang@example.cn")
    assert len(mails) == 2
    reply_mail = mails[1]
    text, html = _parts(reply_mail)
    assert reply_mail["Subject"] == f"[#{ticket.reference}] 您的请求 {ticket.reference} 有新进展。"
    assert "请清除浏览器缓存后重试。" in text
    assert "请清除浏览器缓存后重试。" in html
    assert "内部备注" not in text + html
    assert f"您的请求 {ticket.reference} 有新进展" in text
    assert f"/tickets/{ticket.pk}/" in _opens(text)
    assert reply_mail["Reply-To"] == "help@support.example.com"
    assert reply_mail["Auto-Submitted"] == "auto-generated"
    stored = MailMessage.objects.get(message_id=reply_mail["Message-ID"].strip("<>"))
    assert stored.status == MailStatus.SENT
    assert stored.ticket == ticket
    assert "<zh1@mail.example.cn>" in reply_mail["References"]

    # and the customer's answer to that mail joins the ticket, trimmed of the quote
    answer = mail_ingest(
        raw=(
            f"From: zhang@example.cn\nSubject: 回复：{reply_mail['Subject']}\nMessage-ID: <zh2@mail.example.cn>\n"
            f"In-Reply-To: {reply_mail['Message-ID']}\nContent-Type: text/plain; charset=utf-8\n\n"
            "可以了，谢谢！\n\n在 2026年11月22日，support 写道：\n> 请清除浏览器缓存后重试。\n"
        ).encode()
    )
    assert answer.outcome == Outcome.APPENDED
    assert answer.ticket == ticket
    assert answer.mail.ticket_message.body == "可以了，谢谢！"


def _has_signed_in(user) -> None:
    """The customer proved the address is theirs: mails may name what they wrote."""
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())


@pytest.mark.django_db
def test_an_english_customer_reads_english(smtp, django_capture_on_commit_callbacks, customer_a, tier1_agent):
    _has_signed_in(customer_a)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer_a)
        ticket_status_set(ticket=ticket, actor=tier1_agent, status="on_hold")
    received, status_mail = smtp.to(customer_a.email)
    assert "We have received your ticket" in _parts(received)[0]
    assert "is now: On hold." in _parts(status_mail)[0]


@pytest.mark.django_db
def test_resolving_mails_one_click_rating_links_that_record_the_rating(
    smtp, django_capture_on_commit_callbacks, customer_a, tier1_agent, anon_client
):
    _has_signed_in(customer_a)
    ticket = open_ticket(customer_a)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_status_set(ticket=ticket, actor=tier1_agent, status="resolved")
    (resolved,) = [m for m in smtp.to(customer_a.email) if "resolved" in _parts(m)[0]]
    rate_links = [link for link in _links(_parts(resolved)[0]) if "/tickets/rate/" in link]
    assert len(rate_links) == 5
    four_stars = rate_links[1]  # listed from 5 down to 1
    assert f'href="{four_stars}"' in _parts(resolved)[1]
    # the token is after "#": browsers never send it, so no access log records it
    url, token = four_stars.removeprefix(SITE).split("#")
    assert url == reverse("help:csat-email-start")
    assert anon_client.get(url).status_code == 200  # the page whose script posts the token

    # the first post (as the page's script sends it) shows the rating and records nothing
    response = anon_client.post(url, {"token": token})
    assert response.status_code == 200
    assert 'data-testid="csat-email-confirm"' in response.content.decode()
    assert not CSATResponse.objects.exists()
    # the button, signed out: the rating and the comment are recorded
    sent = anon_client.post(url, {"token": token, "send": "1", "comment": "很快就解决了"})
    assert sent.status_code == 200
    rating = CSATResponse.objects.get(ticket=ticket)
    assert (rating.rating, rating.comment) == (4, "很快就解决了")
    # another link of the same mail changes nothing
    other = rate_links[4].split("#")[1]
    assert anon_client.post(url, {"token": other}).status_code == 409
    assert anon_client.post(url, {"token": other, "send": "1"}).status_code == 409
    assert CSATResponse.objects.get(ticket=ticket).rating == 4


@pytest.mark.django_db
def test_forged_altered_or_expired_rating_links_are_refused(anon_client, customer_a, customer_b, tier1_agent):
    ticket = open_ticket(customer_a)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status="resolved")
    token = csat_token(ticket=ticket, rating=5)
    forged = signing.dumps({"t": ticket.pk, "c": customer_b.pk, "r": 1}, salt="tickets.csat.email")
    for bad in (token[:-2] + "xx", "nonsense", forged):
        assert anon_client.get(reverse("help:csat-email", kwargs={"token": bad})).status_code == 400
        assert anon_client.post(reverse("help:csat-email", kwargs={"token": bad})).status_code == 400
    with override_settings(HELPDESK_CSAT_LINK_DAYS=-1):
        assert anon_client.get(reverse("help:csat-email", kwargs={"token": token})).status_code == 400
        assert anon_client.post(reverse("help:csat-email", kwargs={"token": token})).status_code == 400
    assert not CSATResponse.objects.exists()


@pytest.mark.django_db
def test_nps_and_breach_notices_go_to_the_right_people_with_the_right_links(
    smtp, django_capture_on_commit_callbacks, customer_a, tier2_agent, manager
):
    manager.language = "zh-hans"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        nps_offer_due()
    (nps,) = smtp.to(customer_a.email)
    assert reverse("help:nps") in _opens(_parts(nps)[0])

    # a tier-2 ticket breaching its first-response target: managers are told by mail
    ticket = open_ticket(customer_a, priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(tier=AgentTier.TIER_2)
    with (
        time_machine.travel(ticket.first_response_due_at.timestamp() + 60),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sla_breaches_mark()
    (notice,) = smtp.to(manager.email)
    text = _parts(notice)[0]
    assert "首次响应已超时" in text  # the manager reads Chinese
    assert f"{SITE}/desk/tickets/{ticket.pk}/" in _links(text)
    assert not [m for m in smtp.to(customer_a.email) if "first-response" in _parts(m)[0]]


@pytest.mark.django_db
def test_sending_is_idempotent_and_failures_are_retried_then_recorded(smtp, customer_a, monkeypatch):
    ticket = open_ticket(customer_a)  # on_commit not run: nothing sent yet
    notification = Notification.objects.get(ticket=ticket, type="tickets.ticket.received")
    notification_email_send_task.delay(notification.pk)
    notification_email_send_task.delay(notification.pk)
    assert len(smtp.to(customer_a.email)) == 1

    dead = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _free_port(), "timeout": 2},
        }
    }
    with override_settings(MAILERS=dead):
        notification = Notification.objects.create(recipient=customer_a, type="tickets.nps.offered")
        # eagerly, each retry runs at once: the first try and five retries, then the failure path
        monkeypatch.setitem(notification_email_send_task.app.conf, "task_eager_propagates", False)
        notification_email_send_task.apply(args=[notification.pk])
    mail = MailMessage.objects.get(notification=notification)
    assert mail.status == MailStatus.FAILED
    assert "gave up after retries" in mail.reason
    assert mail.attempts == 6  # one stored mail, one Message-ID for every try


@pytest.mark.django_db
def test_no_mail_when_email_notifications_are_off(smtp, django_capture_on_commit_callbacks, customer_a):
    with override_settings(HELPDESK_EMAIL_NOTIFICATIONS=False), django_capture_on_commit_callbacks(execute=True):
        open_ticket(customer_a)
    assert smtp.messages == []


def test_mail_texts_exist_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Open it in your browser:") != "Open it in your browser:"


@pytest.mark.django_db
def test_an_escalation_no_tier2_agent_can_take_is_mailed_to_managers(
    smtp, django_capture_on_commit_callbacks, customer_a, tier1_agent, manager
):
    with django_capture_on_commit_callbacks(execute=True):  # the ticket's own mails go at its commit
        ticket = open_ticket(customer_a)
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_escalate(ticket=ticket, actor=tier1_agent, reason="Needs a refund decision")
    (notice,) = smtp.to(manager.email)
    assert notice["Subject"] == f"[#{ticket.reference}] {ticket.subject}"
    assert f"{SITE}/desk/tickets/{ticket.pk}/" in _links(_parts(notice)[0])
    assert not smtp.to(customer_a.email)  # customers hear nothing of internal escalations


@pytest.mark.django_db
def test_a_too_long_comment_on_a_rating_link_comes_back_with_its_error(anon_client, customer_a, tier1_agent):
    ticket = ticket_status_set(ticket=open_ticket(customer_a), actor=tier1_agent, status="resolved")
    url = reverse("help:csat-email", kwargs={"token": csat_token(ticket=ticket, rating=5)})
    response = anon_client.post(url, {"comment": "好" * 2001})
    assert response.status_code == 400
    assert "好" * 2001 in response.content.decode()  # what was typed is kept
    assert not CSATResponse.objects.exists()


@pytest.mark.django_db
def test_a_visitors_words_never_reach_an_address_not_proven_to_be_theirs(
    smtp, django_capture_on_commit_callbacks, anon_client
):
    # given: the anonymous form, someone else's address, the sender's own text
    data = {
        "name": "Claim your prize at evil.example",
        "email": "victim@example.org",
        "subject": "Visit evil.example now",
        "message": "Cheap pills at evil.example",
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        assert anon_client.post(reverse("help:ticket-new"), data).status_code == 302
    # then: the mail says a request was received, by its reference, and nothing they wrote
    (mail,) = smtp.to("victim@example.org")
    text, html = _parts(mail)
    assert "evil.example" not in mail["Subject"] + text + html
    assert "HD-" in mail["Subject"]


@pytest.mark.django_db
def test_a_line_break_in_a_subject_does_not_stop_the_tickets_mail(
    smtp, django_capture_on_commit_callbacks, customer_a, tier1_agent
):
    _has_signed_in(customer_a)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer_a, subject="Refund\r\nBcc: everyone@example.com")
        ticket_reply(ticket=ticket, author=tier1_agent, body="Done.")
    mails = smtp.to(customer_a.email)
    assert len(mails) == 2
    assert all("Refund Bcc: everyone@example.com" in m["Subject"] for m in mails)
    assert not smtp.to("everyone@example.com")
