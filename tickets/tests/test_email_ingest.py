"""The inbound email channel against a corpus of raw messages, each with its expected
outcome in ``email_corpus/manifest.json``: Chinese and Japanese charsets (labelled right
and wrong), HTML-only mail, attachments and inline images, replies by header and by
subject with quoted history, auto-replies, bounces, lists, broken MIME, duplicates."""

import json
import re
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import User
from tickets.email.ingest import Outcome, mail_ingest, mail_retry
from tickets.models import Attachment, Category, Channel, Mailbox, MailMessage, MailStatus, Ticket, TicketMessage

CORPUS = Path(__file__).parent / "email_corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
REF = re.compile(rb"\{ref:([^}]+)\}")


def corpus_bytes(name: str, tickets: dict[str, Ticket]) -> bytes:
    """The raw file, with ``{ref:FILE}`` replaced by the reference of FILE's ticket."""
    raw = (CORPUS / name).read_bytes()
    return REF.sub(lambda m: tickets[m.group(1).decode()].reference.encode(), raw)


@pytest.fixture
def ingested(db, tier1_agent):
    """Every corpus message ingested once, in file order: {file: IngestResult}."""
    tickets: dict[str, Ticket] = {}
    results = {}
    # mx.help.example.com: our receiving server, whose Authentication-Results count.
    with override_settings(HELPDESK_ATTACHMENT_MAX_BYTES=50_000, HELPDESK_EMAIL_AUTHSERV_IDS=["mx.help.example.com"]):
        for entry in MANIFEST:
            result = mail_ingest(raw=corpus_bytes(entry["file"], tickets))
            results[entry["file"]] = result
            if result.ticket is not None:
                tickets[entry["file"]] = result.ticket
    return results


def test_corpus_has_at_least_thirty_messages_each_with_an_outcome():
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert len(files) >= 30
    assert files == sorted(entry["file"] for entry in MANIFEST)
    assert {entry["outcome"] for entry in MANIFEST} == {o.value for o in Outcome}


def test_every_corpus_message_has_its_expected_outcome(ingested):
    failures = []
    for entry in MANIFEST:
        try:
            _check(entry, ingested)
        except AssertionError as exc:
            failures.append(f"{entry['file']}: {exc}")
    assert not failures, "\n".join(failures)
    assert Counter(r.outcome for r in ingested.values()) == Counter(e["outcome"] for e in MANIFEST)


def _check(entry, ingested):
    result = ingested[entry["file"]]
    assert result.outcome == entry["outcome"], result.mail and result.mail.reason
    mail = result.mail
    if entry["outcome"] == "duplicates":
        assert mail is None
        return
    mail.refresh_from_db()
    assert bytes(mail.raw) == (CORPUS / entry["file"]).read_bytes() or "{ref:" in (CORPUS / entry["file"]).read_text(
        errors="replace"
    )
    if "reason_contains" in entry:
        assert entry["reason_contains"].lower() in mail.reason.lower()
    if entry["outcome"] in ("ignored", "quarantined"):
        assert mail.ticket is None
        return
    if entry["outcome"] == "held":  # kept apart from the ticket it names until released
        assert mail.ticket_message is None
        assert mail.ticket.pk == ingested[entry["same_ticket_as"]].ticket.pk
        assert not mail.ticket.messages.filter(body__contains="bank card").exists()
        return
    message = mail.ticket_message
    ticket = mail.ticket
    assert message is not None
    assert message.ticket_id == ticket.pk
    assert message.channel == Channel.EMAIL
    if entry["outcome"] == "created":
        assert ticket.channel == Channel.EMAIL
        assert ticket.messages.order_by("pk").first() == message
    if "subject" in entry:
        assert ticket.subject == entry["subject"]
    for text in entry.get("body_contains", []):
        assert text in message.body
    for text in entry.get("body_excludes", []):
        assert text not in message.body
    for text in entry.get("full_text_contains", []):
        assert text in mail.text
    for text in entry.get("html_contains", []):
        assert text in mail.html
    for text in entry.get("html_excludes", []):
        assert text not in mail.html
    if "attachments" in entry:
        assert sorted(a.name for a in message.attachments.all()) == sorted(entry["attachments"])
        assert all(a.size == len(a.file.read()) for a in message.attachments.all())
    if "same_ticket_as" in entry:
        assert ticket.pk == ingested[entry["same_ticket_as"]].ticket.pk
    if "not_same_ticket_as" in entry:
        assert ticket.pk != ingested[entry["not_same_ticket_as"]].ticket.pk
    if "customer" in entry:
        assert ticket.customer.email == entry["customer"]
    if "customer_name" in entry:
        assert ticket.customer.name == entry["customer_name"]
    if "author" in entry:
        assert message.author.email == entry["author"]
    if "message_id_prefix" in entry:
        assert mail.message_id.startswith(entry["message_id_prefix"])


def test_ingesting_the_corpus_twice_creates_nothing_new(ingested):
    counts = (
        Ticket.objects.count(),
        TicketMessage.objects.count(),
        MailMessage.objects.count(),
        Attachment.objects.count(),
    )
    tickets = {name: r.ticket for name, r in ingested.items() if r.ticket is not None}
    again = Counter(mail_ingest(raw=corpus_bytes(e["file"], tickets)).outcome for e in MANIFEST)
    assert again == {Outcome.DUPLICATE: len(MANIFEST)}
    assert counts == (
        Ticket.objects.count(),
        TicketMessage.objects.count(),
        MailMessage.objects.count(),
        Attachment.objects.count(),
    )


def test_noise_never_opens_tickets_nor_notifies(ingested):
    ignored = [r.mail for r in ingested.values() if r.outcome == Outcome.IGNORED]
    assert len(ignored) >= 6
    assert not User.objects.filter(email__in=["news@shop.example.com", "mailer-daemon@mx.example.net"]).exists()
    # the out-of-office reply threads to Alice's ticket but adds nothing to it
    alice = ingested["01-plain-english.eml"].ticket
    assert alice.messages.filter(body__contains="away until Monday").count() == 0


@pytest.mark.django_db
def test_a_flood_from_one_sender_is_stopped_by_the_rate_limit():
    with override_settings(HELPDESK_EMAIL_RATE_LIMIT_PER_HOUR=3):
        outcomes = [
            mail_ingest(
                raw=f"From: flood@example.com\nSubject: spam {n}\nMessage-ID: <f{n}@x>\n\nbody {n}\n".encode()
            ).outcome
            for n in range(5)
        ]
    assert outcomes == [Outcome.CREATED] * 3 + [Outcome.IGNORED] * 2
    assert "rate limit" in MailMessage.objects.get(message_id="f4@x").reason


@pytest.mark.django_db
def test_real_world_mail_a_sender_with_a_comma_and_a_forward_broken_inside_open_tickets():
    # an encoded display name holding a comma ("王芳, 李四") was "no sender address"
    named = mail_ingest(
        raw=b"From: =?UTF-8?B?546L6IqzLCDmnY7lm5s=?= <wangfang@example.cn>\nSubject: s\nMessage-ID: <c@x>\n\nhi\n"
    )
    assert named.outcome == Outcome.CREATED
    assert named.mail.ticket.customer.email == "wangfang@example.cn"
    # an Outlook forward with a malformed header inside was an IndexError in the quarantine
    forward = (
        b"From: fwd@example.cn\r\nSubject: Fwd: receipt\r\nMessage-ID: <fwd@x>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n'
        b"--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: pay@example.cn\r\nContent-Type: text/plain; name*0*\r\n"
        b"\r\nYou paid 199.00 CNY.\r\n--B--\r\n"
    )
    result = mail_ingest(raw=forward)
    assert result.outcome == Outcome.CREATED
    assert result.mail.ticket.messages.get().body == "See below."
    assert result.mail.ticket.messages.get().attachments.get().name.endswith(".eml")
    assert "damaged inside (IndexError)" in result.mail.reason


@pytest.mark.django_db
def test_a_message_that_fails_to_file_is_quarantined_and_can_be_retried():
    raw = b"From: retry@example.com\nSubject: Retry me\nMessage-ID: <retry@x>\n\nPlease help.\n"
    with mock.patch("tickets.email.ingest.ticket_open", side_effect=RuntimeError("database hiccup")):
        result = mail_ingest(raw=raw)
    assert result.outcome == Outcome.QUARANTINED
    assert "database hiccup" in result.mail.reason
    assert not Ticket.objects.exists()  # the half-filed ticket was rolled back
    # fetched again while quarantined: still one stored message
    assert mail_ingest(raw=raw).outcome == Outcome.DUPLICATE
    retried = mail_retry(mail=result.mail)
    assert retried.outcome == Outcome.CREATED
    mail = MailMessage.objects.get(message_id="retry@x")
    assert mail.status == MailStatus.CREATED
    assert mail.attempts == 2
    assert mail.ticket.subject == "Retry me"


@pytest.mark.django_db
def test_a_reply_to_a_closed_ticket_opens_a_new_one():
    first = mail_ingest(raw=b"From: c@example.com\nSubject: Old\nMessage-ID: <old@x>\n\nOld problem.\n").ticket
    Ticket.objects.filter(pk=first.pk).update(status="closed")
    reply = mail_ingest(
        raw=b"From: c@example.com\nSubject: Re: Old\nMessage-ID: <new@x>\nIn-Reply-To: <old@x>\n\nAgain.\n"
    )
    assert reply.outcome == Outcome.CREATED
    assert reply.ticket.pk != first.pk


@pytest.mark.django_db
def test_a_reply_to_a_merged_ticket_joins_the_ticket_it_was_merged_into():
    first = mail_ingest(raw=b"From: m@example.com\nSubject: One\nMessage-ID: <m1@x>\n\nOne.\n").ticket
    second = mail_ingest(raw=b"From: m@example.com\nSubject: Two\nMessage-ID: <m2@x>\n\nTwo.\n").ticket
    Ticket.objects.filter(pk=first.pk).update(merged_into=second)
    reply = mail_ingest(
        raw=b"From: m@example.com\nSubject: Re: One\nMessage-ID: <m3@x>\nIn-Reply-To: <m1@x>\n\nMore.\n"
    )
    assert reply.outcome == Outcome.APPENDED
    assert reply.ticket.pk == second.pk


@pytest.mark.django_db
def test_mail_from_our_own_addresses_is_a_loop_and_ignored():
    Mailbox.objects.create(
        name="S", address="help@support.example.com", imap_host="x", imap_user="x", imap_password="x"
    )
    for n, sender in enumerate(["help@support.example.com", settings.DEFAULT_FROM_EMAIL]):
        result = mail_ingest(raw=f"From: {sender}\nSubject: loop\nMessage-ID: <loop{n}@x>\n\nbody\n".encode())
        assert result.outcome == Outcome.IGNORED
        assert "our own" in result.mail.reason


@pytest.mark.django_db
def test_without_a_mailbox_given_the_to_address_picks_the_mailbox_and_its_defaults():
    billing = Mailbox.objects.create(
        name="Billing",
        address="billing@help.example.com",
        imap_host="x",
        imap_user="x",
        imap_password="x",
        default_priority="high",
        default_category=Category.objects.get(slug="payment"),
    )
    raw = (
        b"From: p@example.com\nTo: Billing <billing@help.example.com>\n"
        b"Subject: Charged twice\nMessage-ID: <b1@x>\n\nHelp\n"
    )
    result = mail_ingest(raw=raw)
    assert result.mail.mailbox == billing
    assert (result.ticket.priority, result.ticket.category.slug) == ("high", "payment")
