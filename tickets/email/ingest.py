"""Inbound mail to tickets: one service, ``mail_ingest``, used by the IMAP poller and
``manage.py ingest_email``. It never loses a message: whatever happens, the raw bytes are
stored (filed, ignored or quarantined) before the caller may delete the source.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import NotACustomerError, customer_get_or_create, customer_vip_annotation

from ..models import (
    Channel,
    Mailbox,
    MailDirection,
    MailMessage,
    MailStatus,
    Priority,
    Status,
    Ticket,
    TicketMessage,
)
from ..permissions import can_act_on_ticket, is_desk_user
from ..services import TicketError, ticket_open, ticket_reply
from .authentication import staff_sender_verified
from .parsing import MailParseError, ParsedAttachment, ParsedMail, message_id_of, parse
from .quotes import reply_trim

logger = logging.getLogger(__name__)

# "[#HD-1234]" (our subjects), also "HD-1234" and "#HD1234" as customers retype them.
SUBJECT_REFERENCE = re.compile(r"\[?#?\s*HD-?(\d{1,12})\]?", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")


class Outcome(StrEnum):
    """What became of a message; the values are the counters ``ingest_email`` prints."""

    CREATED = "created"
    APPENDED = "appended"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"
    HELD = "held"
    DUPLICATE = "duplicates"


@dataclass
class IngestResult:
    outcome: Outcome
    mail: MailMessage | None  # None for a duplicate: the stored one is unchanged

    @property
    def ticket(self) -> Ticket | None:
        return self.mail.ticket if self.mail is not None else None


def mail_ingest(*, raw: bytes, mailbox: Mailbox | None = None) -> IngestResult:
    """File one raw message: open a ticket, add a reply to one, ignore it (automatic mail,
    lists, bounces, floods) or quarantine it (unreadable, or filing failed), and store it.

    Idempotent: a message whose Message-ID (or, without one, whose bytes' SHA-256) is
    already stored is a duplicate and changes nothing. Not to be called inside an outer
    transaction: when it returns, the message is committed and the source may be deleted.
    """
    message_id = message_id_of(raw)
    if MailMessage.objects.filter(message_id=message_id).exists():
        return IngestResult(Outcome.DUPLICATE, None)
    record = MailMessage(direction=MailDirection.INBOUND, message_id=message_id, mailbox=mailbox, raw=raw)
    return _process(record)


def mail_release(*, mail: MailMessage) -> IngestResult:
    """A manager vouches for a held staff mail (checked with the agent): file it as the
    agent's reply now."""
    if mail.direction != MailDirection.INBOUND or mail.status != MailStatus.HELD:
        raise TicketError(_("Only held messages can be released."))
    mail.attempts += 1
    return _process(mail, staff_verified=True)


def mail_retry(*, mail: MailMessage) -> IngestResult:
    """Process a quarantined message again from its raw bytes (after a fix). A message
    still failing stays quarantined with the new error and one more attempt counted."""
    if mail.direction != MailDirection.INBOUND or mail.status != MailStatus.QUARANTINED:
        raise TicketError(_("Only quarantined messages can be retried."))
    mail.attempts += 1
    return _process(mail)


def _process(record: MailMessage, *, staff_verified: bool = False) -> IngestResult:
    raw = bytes(record.raw)
    try:
        parsed = parse(raw)
    except MailParseError as exc:
        return _quarantine(record, str(exc))
    except Exception as exc:  # the parser itself failed: keep the message and the error
        logger.exception("mail %s could not be parsed", record.message_id)
        return _quarantine(record, f"{type(exc).__name__}: {exc}")
    try:
        with transaction.atomic():
            return _file(record, parsed, staff_verified=staff_verified)
    except IntegrityError:
        if record.pk is None and MailMessage.objects.filter(message_id=record.message_id).exists():
            return IngestResult(Outcome.DUPLICATE, None)  # stored meanwhile by another worker
        logger.exception("mail %s could not be filed", record.message_id)
        return _quarantine(record, "IntegrityError while filing")
    except Exception as exc:
        logger.exception("mail %s could not be filed", record.message_id)
        return _quarantine(record, f"{type(exc).__name__}: {exc}")


def _quarantine(record: MailMessage, error: str) -> IngestResult:
    record.status = MailStatus.QUARANTINED
    record.reason = error[:2000]
    record.processed_at = timezone.now()
    if not record.subject:
        record.subject = _raw_subject(bytes(record.raw))
    try:
        record.save()
    except IntegrityError:
        return IngestResult(Outcome.DUPLICATE, None)
    return IngestResult(Outcome.QUARANTINED, record)


def _raw_subject(raw: bytes) -> str:
    match = re.search(rb"^subject:[ \t]*(.*)$", raw[:8000], re.IGNORECASE | re.MULTILINE)
    return match.group(1).decode("utf-8", "replace").strip()[:255] if match else ""


def _file(record: MailMessage, parsed: ParsedMail, *, staff_verified: bool = False) -> IngestResult:
    record.sender = parsed.sender
    record.recipients = ", ".join(parsed.to)[:2000]
    record.subject = parsed.subject[:255]
    record.text = parsed.text
    record.html = parsed.html
    record.processed_at = timezone.now()
    if record.mailbox is None and parsed.to:  # piped from an MTA: the address it was sent to
        record.mailbox = Mailbox.objects.filter(address__in=parsed.to, is_active=True).first()
    reason = parsed.noise or _own_address(parsed.sender) or _rate_limited(parsed.sender)
    person = (
        User.objects.filter(email__iexact=parsed.sender).annotate(**customer_vip_annotation()).first()
        if not reason
        else None
    )
    if not reason and person is not None and is_desk_user(person):
        return _file_from_agent(record, parsed, person, verified=staff_verified)
    if not reason:
        try:
            person = person or customer_get_or_create(
                email=parsed.sender,
                name=parsed.sender_name,
                language="zh-hans" if _CJK.search(parsed.subject + parsed.text[:500]) else "en",
            )
        except NotACustomerError:
            reason = "sender is a staff account without desk access"
    if reason or person is None:
        return _save(record, MailStatus.IGNORED, reason=reason)
    ticket = thread_find(parsed=parsed, customer=person)
    body, uploads = _body_and_uploads(parsed, trim=ticket is not None)
    if ticket is not None:
        message = ticket_reply(ticket=ticket, author=person, body=body, attachments=uploads, channel=Channel.EMAIL)
        return _save(record, MailStatus.APPENDED, ticket=ticket, message=message, reason="; ".join(parsed.warnings))
    mailbox = record.mailbox
    ticket = ticket_open(
        customer=person,
        subject=parsed.subject.strip() or _("(no subject)"),
        body=body,
        channel=Channel.EMAIL,
        category=mailbox.default_category if mailbox else None,
        priority=mailbox.default_priority if mailbox else Priority.NORMAL,
        attachments=uploads,
    )
    return _save(
        record, MailStatus.CREATED, ticket=ticket, message=ticket.first_message, reason="; ".join(parsed.warnings)
    )


def _file_from_agent(record: MailMessage, parsed: ParsedMail, agent: User, *, verified: bool = False) -> IngestResult:
    """An agent answered a notification by mail: a public reply on the ticket it threads
    to, if the agent may act on it. Agents never open tickets by mail. Unless the sender
    is proven (``authentication.staff_sender_verified``, or ``verified``: a manager
    released it), the mail is held for review: anyone can write an agent's address."""
    ticket = thread_find(parsed=parsed, customer=None)
    if ticket is None or not can_act_on_ticket(agent, ticket):
        return _save(record, MailStatus.IGNORED, reason="agent mail that answers no ticket the agent may act on")
    if not verified and not staff_sender_verified(parsed, ticket=ticket):
        reason = "staff address without proof of origin (no DMARC, DKIM or SPF pass from our server, no reply token)"
        return _save(record, MailStatus.HELD, reason=reason, ticket=ticket)
    body, uploads = _body_and_uploads(parsed, trim=True)
    message = ticket_reply(ticket=ticket, author=agent, body=body, attachments=uploads, channel=Channel.EMAIL)
    return _save(record, MailStatus.APPENDED, ticket=ticket, message=message)


def _save(
    record: MailMessage,
    status: str,
    *,
    reason: str = "",
    ticket: Ticket | None = None,
    message: TicketMessage | None = None,
) -> IngestResult:
    record.status, record.reason, record.ticket, record.ticket_message = status, reason, ticket, message
    record.save()
    return IngestResult(Outcome(status), record)


def _own_address(sender: str) -> str:
    """Mail from one of our own addresses is a loop (a forward rule, a misconfigured MTA)."""
    ours = {settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(">").lower()}
    if sender in ours or Mailbox.objects.filter(address__iexact=sender).exists():
        return "sent from one of our own addresses"
    return ""


def _rate_limited(sender: str) -> str:
    if not sender:
        return ""
    limit = settings.HELPDESK_EMAIL_RATE_LIMIT_PER_HOUR
    recent = MailMessage.objects.filter(
        direction=MailDirection.INBOUND,
        sender=sender,
        status__in=[MailStatus.CREATED, MailStatus.APPENDED],
        created_at__gte=timezone.now() - timedelta(hours=1),
    )
    if recent.count() >= limit:
        return f"rate limit: more than {limit} messages from this sender in an hour"
    return ""


def thread_find(*, parsed: ParsedMail, customer: User | None) -> Ticket | None:
    """The ticket this message answers: by In-Reply-To/References against the Message-IDs
    we sent or received, else by "[#HD-1234]" in the subject. Only a ticket of this
    customer counts (``customer=None``: any, for agents); a merged ticket leads to the one
    it was merged into; a closed ticket is not reopened by mail (a new one is opened)."""
    ticket = None
    ids = parsed.thread_ids
    if ids:
        known = (
            MailMessage.objects.filter(message_id__in=ids, ticket__isnull=False)
            .values_list("message_id", "ticket_id")
            .order_by()
        )
        by_id = dict(known)
        for message_id in ids:
            if message_id in by_id:
                ticket = Ticket.objects.filter(pk=by_id[message_id]).first()
                break
    if ticket is None:
        for match in SUBJECT_REFERENCE.finditer(parsed.subject):
            ticket = Ticket.objects.filter(pk=int(match.group(1))).first()
            if ticket is not None:
                break
    seen: set[int] = set()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = ticket.merged_into
    if ticket is None or (customer is not None and ticket.customer_id != customer.pk):
        return None
    if ticket.status == Status.CLOSED:
        return None
    return ticket


def _body_and_uploads(parsed: ParsedMail, *, trim: bool) -> tuple[str, list[SimpleUploadedFile]]:
    body = reply_trim(parsed.text) if trim else parsed.text
    limit = settings.HELPDESK_ATTACHMENT_MAX_BYTES
    uploads: list[SimpleUploadedFile] = []
    skipped: list[str] = []
    for attachment in parsed.attachments:
        if attachment.size > limit or len(uploads) >= settings.HELPDESK_EMAIL_MAX_ATTACHMENTS:
            skipped.append(_skipped_note(attachment, limit))
            continue
        uploads.append(SimpleUploadedFile(attachment.name, attachment.content, attachment.content_type))
    if not body.strip():
        body = _("(This message has no text; see its attachments.)") if uploads else _("(This message has no text.)")
    if skipped:
        body = body + "\n\n" + "\n".join(skipped)
    return body, uploads


def _skipped_note(attachment: ParsedAttachment, limit: int) -> str:
    return _(
        "[Attachment “%(name)s” (%(size)s) was not saved: over the limit of %(limit)s or of the number of "
        "attachments. The original message is kept.]"
    ) % {"name": attachment.name, "size": filesizeformat(attachment.size), "limit": filesizeformat(limit)}
