"""Notifications by email: rendered in the recipient's language, text and HTML, each with
a Message-ID we store so that a reply threads back to its ticket (``ingest.thread_find``).

``notify`` enqueues ``notification_email_send_task`` on commit; the task calls
``notification_email_send``. Internal notes are never notifications, and the only message
body a mail quotes is the public reply named in the notification's data.
"""

import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.signin_links import may_use_signin_links, signin_link_url

from ..choices import Channel
from ..models import (
    Mailbox,
    MailDirection,
    MailMessage,
    MailStatus,
    MessageKind,
    Notification,
    Ticket,
    TicketMessage,
)
from ..notification_texts import notification_text
from ..permissions import is_desk_user

logger = logging.getLogger(__name__)

CSAT_SALT = "tickets.csat.email"
# Earlier mails of the ticket quoted in References (the newest ones), so clients thread.
REFERENCES_KEPT = 10


def csat_token(*, ticket: Ticket, rating: int) -> str:
    """A signed, expiring token for rating ``ticket`` by its customer."""
    return signing.dumps({"t": ticket.pk, "c": ticket.customer_id, "r": rating}, salt=CSAT_SALT, compress=True)


def csat_token_read(token: str) -> dict[str, int]:
    """The token's ticket, customer and rating. Raises ``signing.BadSignature`` (or its
    subclass ``SignatureExpired``) for a forged, altered or expired token."""
    max_age = settings.HELPDESK_CSAT_LINK_DAYS * 24 * 3600
    data = signing.loads(token, salt=CSAT_SALT, max_age=max_age)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("t", "c", "r")):
        raise signing.BadSignature("malformed CSAT token")
    return data


def _absolute(path: str) -> str:
    return f"{settings.HELPDESK_SITE_URL}{path}"


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"


def _reply_to(ticket: Ticket | None) -> str:
    """The support address replies should go to: the mailbox the ticket came in by, else
    the first active mailbox, else the sender address."""
    if ticket is not None:
        first = MailMessage.objects.filter(ticket=ticket, mailbox__isnull=False).select_related("mailbox").last()
        if first is not None and first.mailbox is not None:
            return first.mailbox.address
    mailbox = Mailbox.objects.filter(is_active=True).first()
    return mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL


def _link(recipient: User, path: str) -> str:
    """A customer's link signs them in on the way (once); staff links are plain."""
    if may_use_signin_links(recipient):
        return signin_link_url(user=recipient, next_path=path)
    return _absolute(path)


def address_proven(recipient: User) -> bool:
    """Whether the recipient has shown the address is theirs: staff, or a customer who has
    signed in. Anyone can type any address in the help-center form or forge a From line,
    so until then a mail carries nothing the sender chose (subject, name), only the
    reference and what our staff wrote."""
    return is_desk_user(recipient) or recipient.last_login is not None


# For an address not proven yet: the ticket by its reference only.
UNPROVEN_TICKET_TEXT = gettext_lazy("There is news on your request %(reference)s.")
UNPROVEN_TEXTS = {"tickets.ticket.received": gettext_lazy("We have received your request %(reference)s.")}


def _context(notification: Notification, recipient: User) -> dict[str, object]:
    ticket = notification.ticket
    staff = is_desk_user(recipient)
    proven = address_proven(recipient)
    sentence = notification_text(notification)
    if ticket is not None and not proven:
        sentence = str(UNPROVEN_TEXTS.get(notification.type, UNPROVEN_TICKET_TEXT)) % {"reference": ticket.reference}
    context: dict[str, object] = {
        "recipient": recipient,
        "greeting_name": (recipient.name or recipient.email) if proven else recipient.email,
        "proven": proven,
        "ticket": ticket,
        "sentence": sentence,
        "staff": staff,
        "reply": None,
        "csat_links": [],
        "url": "",
    }
    if ticket is None:
        if notification.type == "tickets.nps.offered":
            context["url"] = _link(recipient, reverse("help:nps"))
        return context
    context["url"] = _link(
        recipient, reverse("desk:ticket-detail" if staff else "help:ticket-detail", kwargs={"pk": ticket.pk})
    )
    message_pk = (notification.data or {}).get("message")
    if isinstance(message_pk, int):
        # Only a public reply of this ticket is ever quoted; a note never leaves the desk.
        context["reply"] = TicketMessage.objects.filter(pk=message_pk, ticket=ticket, kind=MessageKind.REPLY).first()
    if notification.type == "tickets.ticket.resolved" and not staff:
        context["csat_links"] = [
            # The token goes in the fragment: browsers never send it, so no access log sees it.
            (rating, _absolute(reverse("help:csat-email-start")) + "#" + csat_token(ticket=ticket, rating=rating))
            for rating in range(5, 0, -1)
        ]
    return context


def notification_email_render(notification: Notification) -> tuple[str, str, str]:
    """Subject, text and HTML of the mail for ``notification``, in the active language."""
    context = _context(notification, notification.recipient)
    ticket = notification.ticket
    sentence = str(context["sentence"])
    if ticket is None:
        subject = sentence
    else:
        subject = f"[#{ticket.reference}] {ticket.subject if context['proven'] else sentence}"
    # A line break in a header would make every mail of the ticket fail (BadHeaderError).
    subject = " ".join(subject.split())
    text = render_to_string("tickets/email/notification.txt", context)
    html = render_to_string("tickets/email/notification.html", context)
    return subject[:250], text, html


def _read_in_chat(notification: Notification) -> bool:
    ticket = notification.ticket
    return ticket is not None and ticket.channel == Channel.CHAT and notification.recipient_id == ticket.customer_id


def notification_email_send(*, notification_id: int) -> MailMessage | None:
    """Send the mail of one notification, once. Idempotent: a notification already sent is
    not sent again; a retry after a failure reuses the stored Message-ID. Returns the
    stored mail, or None when there is nothing to send (no address, inactive account,
    email notifications off). SMTP errors propagate for the task to retry."""
    if not settings.HELPDESK_EMAIL_NOTIFICATIONS:
        return None
    notification = Notification.objects.select_related("recipient", "ticket").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.email or not notification.recipient.is_active:
        return None
    recipient = notification.recipient
    mail = MailMessage.objects.filter(notification=notification, direction=MailDirection.OUTBOUND).first()
    if mail is not None and mail.status == MailStatus.SENT:
        return mail
    if mail is None and notification.read_at is not None and _read_in_chat(notification):
        return None  # the customer read it in the chat widget before its mail was due
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject, text, html = notification_email_render(notification)
    ticket = notification.ticket
    if mail is None:
        mail = MailMessage.objects.create(
            direction=MailDirection.OUTBOUND,
            status=MailStatus.QUEUED,
            # The random part makes the Message-ID a reply token: a staff member's reply quotes it,
            # which proves the reply comes from the mailbox we wrote to (email.authentication).
            message_id=f"{secrets.token_hex(16)}.n{notification.pk}@{_domain()}",
            notification=notification,
            ticket=ticket,
            sender=settings.DEFAULT_FROM_EMAIL[:254],
            recipients=recipient.email,
            subject=subject,
            text=text,
        )
    else:
        mail.attempts += 1
    headers = {
        "Message-ID": f"<{mail.message_id}>",
        # RFC 3834: auto-responders must not answer, which stops loops with them.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }
    if ticket is not None:
        earlier = list(
            MailMessage.objects.filter(ticket=ticket, created_at__lte=mail.created_at)
            .exclude(pk=mail.pk)
            .exclude(message_id__startswith="sha256:")
            .order_by("-created_at", "-pk")
            .values_list("message_id", flat=True)[:REFERENCES_KEPT]
        )
        if earlier:
            headers["In-Reply-To"] = f"<{earlier[0]}>"
            headers["References"] = " ".join(f"<{m}>" for m in reversed(earlier))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=[_reply_to(ticket)],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:
        mail.status, mail.reason = MailStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        mail.save(update_fields=["status", "reason", "attempts"])
        raise
    mail.status, mail.reason, mail.processed_at = MailStatus.SENT, "", timezone.now()
    mail.save(update_fields=["status", "reason", "processed_at", "attempts"])
    return mail


def notification_email_failed(*, notification_id: int, error: str) -> None:
    """The permanent failure path, after the task's retries: the mail stays FAILED with
    the error, visible in the admin's mail list."""
    MailMessage.objects.filter(notification_id=notification_id, direction=MailDirection.OUTBOUND).update(
        status=MailStatus.FAILED, reason=f"gave up after retries: {error}"[:2000]
    )
    logger.error("notification %s could not be mailed: %s", notification_id, error)
