"""Personal-data rights (PIPL, GDPR): a customer's data exported as a ZIP of JSON and files,
erased by anonymising it everywhere it lives, and the retention schedule.

Erasure keeps the rows that counts and money need (tickets, orders, ratings, report
snapshots) and removes what identifies the person in them: name, address, phone, the
texts and files they and our staff exchanged, raw mail, comments. Every export and erasure
is in the audit log (``helpdesk.audit``).
"""

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import CustomerProfile, Enrollment, LearningActivity, Order, Role, User
from analytics.models import ReportSnapshot
from helpdesk.audit import CONTEXT_VIEWED, DATA_ERASED, DATA_EXPORTED, audit_record
from helpdesk.models import AuditEvent
from kb.models import ArticleFeedback, ArticleVisit, SearchQuery
from tickets.models import (
    Attachment,
    CSATResponse,
    MailMessage,
    MessageKind,
    Notification,
    NPSResponse,
    RefundRequest,
    Status,
    Ticket,
    TicketMessage,
)

ERASED = "—"
ERASED_DOMAIN = "erased.invalid"
# Rows per UPDATE batch in the retention tasks (each a few ms on 100,000 tickets).
RETENTION_BATCH = 500


class PrivacyError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def _rows(queryset: Any, *fields: str) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def customer_data(customer: User) -> dict[str, Any]:
    """Everything we hold about ``customer``, as JSON-ready data (files apart)."""
    profile = CustomerProfile.objects.filter(user=customer).values("platform_user_id", "phone", "is_vip").first()
    tickets = list(
        Ticket.objects.filter(customer=customer)
        .order_by("pk")
        .values("pk", "subject", "channel", "status", "priority", "created_at", "resolved_at", "closed_at")
    )
    messages = TicketMessage.objects.filter(ticket__customer=customer, kind=MessageKind.REPLY).order_by("pk")
    by_ticket: dict[int, list[dict[str, Any]]] = {}
    for message in messages.values("ticket_id", "created_at", "from_customer", "body", "channel"):
        by_ticket.setdefault(message.pop("ticket_id"), []).append(message)
    for ticket in tickets:
        ticket["reference"] = f"HD-{ticket.pop('pk')}"
        ticket["messages"] = by_ticket.get(int(ticket["reference"][3:]), [])
    return {
        "exported_at": timezone.now(),
        "profile": {
            "email": customer.email,
            "name": customer.name,
            "language": customer.language,
            "date_joined": customer.date_joined,
            "last_login": customer.last_login,
            **(profile or {}),
        },
        "orders": _rows(
            Order.objects.filter(customer=customer).order_by("created_at"),
            "number",
            "course__title",
            "amount",
            "currency",
            "status",
            "channel",
            "created_at",
            "paid_at",
            "refunded_amount",
            "refunded_at",
        ),
        "learning": {
            "enrollments": _rows(
                Enrollment.objects.filter(customer=customer).order_by("enrolled_at"),
                "course__title",
                "enrolled_at",
                "progress",
                "completed_at",
                "minutes_learned",
                "sessions_count",
                "last_active_at",
            ),
            "activity": _rows(
                LearningActivity.objects.filter(enrollment__customer=customer).order_by("day"),
                "enrollment__course__title",
                "day",
                "minutes",
                "sessions",
            ),
        },
        "tickets": tickets,
        "refund_requests": _rows(
            RefundRequest.objects.filter(ticket__customer=customer).order_by("created_at"),
            "ticket_id",
            "order__number",
            "amount",
            "reason",
            "status",
            "approved_amount",
            "created_at",
        ),
        "ratings": _rows(
            CSATResponse.objects.filter(customer=customer).order_by("created_at"),
            "ticket_id",
            "rating",
            "comment",
            "created_at",
        ),
        "surveys": _rows(
            NPSResponse.objects.filter(customer=customer).order_by("offered_at"),
            "offered_at",
            "score",
            "comment",
            "answered_at",
        ),
        "article_feedback": _rows(
            ArticleFeedback.objects.filter(user=customer).order_by("created_at"),
            "article__title",
            "helpful",
            "comment",
            "created_at",
        ),
        "notifications": _rows(
            Notification.objects.filter(recipient=customer).order_by("created_at"), "type", "created_at", "read_at"
        ),
    }


def customer_export(*, customer: User, actor: User) -> bytes:
    """The ZIP a customer downloads (or an agent produces on request): ``data.json`` and
    the attachments of their tickets' public messages under ``attachments/``. Audited."""
    buffer = io.BytesIO()
    attachments = Attachment.objects.filter(
        message__ticket__customer=customer, message__kind=MessageKind.REPLY
    ).select_related("message")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        data = customer_data(customer)
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for attachment in attachments.order_by("pk"):
            try:
                with attachment.file.open("rb") as handle:
                    content = handle.read()
            except (FileNotFoundError, OSError):
                continue
            name = f"attachments/HD-{attachment.message.ticket_id}/{attachment.pk}-{attachment.name}"
            archive.writestr(name, content)
    audit_record(action=DATA_EXPORTED, actor=actor, subject=customer, summary=f"{len(data['tickets'])} tickets")
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Erasure
# ---------------------------------------------------------------------------


def _erase_tickets(tickets: Any) -> dict[str, int]:
    """Anonymise the texts and files of ``tickets`` (a queryset); the rows stay for counts."""
    ids = list(tickets.values_list("pk", flat=True))
    counts = {"tickets": len(ids)}
    files = Attachment.objects.filter(message__ticket_id__in=ids)
    counts["attachments"] = 0
    for attachment in files:
        attachment.file.delete(save=False)
        counts["attachments"] += 1
    files.delete()
    counts["messages"] = TicketMessage.objects.filter(ticket_id__in=ids).update(body=ERASED)
    Ticket.objects.filter(pk__in=ids).update(subject=ERASED, resolution="")
    RefundRequest.objects.filter(ticket_id__in=ids).update(reason="", decision_note="")
    CSATResponse.objects.filter(ticket_id__in=ids).update(comment="")
    counts["mails"] = _erase_mail(MailMessage.objects.filter(ticket_id__in=ids))
    return counts


def _erase_mail(mails: Any) -> int:
    return mails.update(sender="", recipients="", subject="", text="", html="", raw=b"", reason="")


def _scrub_snapshots(customer_id: int) -> int:
    """Report snapshots keep counts only: the at-risk learner lists lose this customer."""
    changed = 0
    for snapshot in ReportSnapshot.objects.filter(data__icontains=f'"customer_id": {customer_id}').iterator():
        learners = snapshot.data.get("segments", {}).get("at_risk") if isinstance(snapshot.data, dict) else None
        if not isinstance(learners, list):
            continue
        for learner in learners:
            if isinstance(learner, dict) and learner.get("customer_id") == customer_id:
                learner.update(customer_id=None, name=ERASED)
        snapshot.save(update_fields=["data"])
        changed += 1
    return changed


@transaction.atomic
def customer_erase(*, customer: User, actor: User) -> dict[str, int]:
    """Anonymise ``customer`` everywhere: the account (no name, an address that cannot
    receive mail, no password, inactive), profile, ticket texts and files, raw mail,
    ratings' and surveys' comments, article feedback, notifications, report snapshots.
    Orders and the ticket, rating and survey rows stay (amounts and counts), tied to
    the anonymous account. Audited with the counts, never the erased values."""
    if not customer.has_role(Role.CUSTOMER) or customer.is_staff or customer.is_superuser:
        raise PrivacyError("Only customer accounts are erased here.")
    email = customer.email
    counts = _erase_tickets(Ticket.objects.filter(customer=customer))
    counts["mails"] += _erase_mail(MailMessage.objects.filter(sender__iexact=email))
    counts["mails"] += _erase_mail(MailMessage.objects.filter(recipients__iexact=email))
    NPSResponse.objects.filter(customer=customer).update(comment="")
    ArticleFeedback.objects.filter(user=customer).update(comment="", user=None)
    ArticleVisit.objects.filter(user=customer).update(user=None)
    Notification.objects.filter(recipient=customer).delete()
    CustomerProfile.objects.filter(user=customer).update(platform_user_id="", phone="", note="")
    counts["snapshots"] = _scrub_snapshots(customer.pk)
    User.objects.filter(pk=customer.pk).update(
        email=f"erased-{customer.pk}@{ERASED_DOMAIN}",
        name="",
        password=make_password(None),
        is_active=False,
        last_login=None,
    )
    customer.refresh_from_db()
    audit_record(action=DATA_ERASED, actor=actor, subject=customer, summary="customer erased", **counts)
    return counts


# ---------------------------------------------------------------------------
# Retention (Celery beat, privacy.tasks)
# ---------------------------------------------------------------------------


def tickets_closed_anonymise(*, now: Any = None) -> int:
    """Anonymise tickets closed more than ``HELPDESK_RETENTION_CLOSED_TICKET_MONTHS`` ago
    (0: never). Idempotent: anonymised tickets are not counted again."""
    months = settings.HELPDESK_RETENTION_CLOSED_TICKET_MONTHS
    if months <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=30 * months)
    due = Ticket.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff).exclude(subject=ERASED)
    done = 0
    while ids := list(due.values_list("pk", flat=True)[:RETENTION_BATCH]):
        with transaction.atomic():
            done += _erase_tickets(Ticket.objects.filter(pk__in=ids))["tickets"]
    return done


def mail_raw_purge(*, now: Any = None) -> int:
    """Drop the raw bytes and HTML of inbound mail older than
    ``HELPDESK_RETENTION_RAW_MAIL_DAYS`` (0: keep); the filed texts stay on their ticket."""
    days = settings.HELPDESK_RETENTION_RAW_MAIL_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return MailMessage.objects.filter(created_at__lt=cutoff).exclude(raw=b"", html="").update(raw=b"", html="")


def anonymous_accounts_delete(*, now: Any = None) -> int:
    """Delete customer accounts that nobody ever signed in to and that have nothing
    attached (no ticket, order or enrollment) after ``HELPDESK_RETENTION_UNUSED_ACCOUNT_DAYS``."""
    days = settings.HELPDESK_RETENTION_UNUSED_ACCOUNT_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    unused = (
        User.objects.filter(groups__name=Role.CUSTOMER, last_login__isnull=True, date_joined__lt=cutoff)
        .filter(is_staff=False, is_superuser=False)
        .exclude(Exists(Ticket.objects.filter(customer=OuterRef("pk"))))
        .exclude(Exists(Order.objects.filter(customer=OuterRef("pk"))))
        .exclude(Exists(Enrollment.objects.filter(customer=OuterRef("pk"))))
        .exclude(Q(groups__name__in=[Role.AGENT, Role.MANAGER, Role.ADMIN]))
    )
    deleted = 0
    while ids := list(unused.values_list("pk", flat=True)[:RETENTION_BATCH]):
        with transaction.atomic():
            deleted += User.objects.filter(pk__in=ids).delete()[1].get("accounts.User", 0)
    return deleted


def _older_than(days: int, now: Any) -> Any:
    return (now or timezone.now()) - timedelta(days=days)


def logs_purge(*, now: Any = None) -> dict[str, int]:
    """Delete the logs about people past their retention (``HELPDESK_RETENTION_*_LOG_DAYS``
    and ``HELPDESK_RETENTION_LOGIN_ATTEMPT_DAYS``; 0 keeps a log forever): the access log
    (openings of a customer's context), the rest of the audit log, and django-axes' lockout
    counters and sign-in logs. Returns the rows deleted per log."""
    deleted = {"access_log": 0, "audit_log": 0, "login_attempts": 0, "signin_log": 0}
    if days := settings.HELPDESK_RETENTION_ACCESS_LOG_DAYS:
        old = AuditEvent.objects.filter(action=CONTEXT_VIEWED, created_at__lt=_older_than(days, now))
        deleted["access_log"] = old.delete()[0]
    if days := settings.HELPDESK_RETENTION_AUDIT_LOG_DAYS:
        old = AuditEvent.objects.exclude(action=CONTEXT_VIEWED).filter(created_at__lt=_older_than(days, now))
        deleted["audit_log"] = old.delete()[0]
    if days := settings.HELPDESK_RETENTION_LOGIN_ATTEMPT_DAYS:
        deleted["login_attempts"] = AccessAttempt.objects.filter(attempt_time__lt=_older_than(days, now)).delete()[0]
    if days := settings.HELPDESK_RETENTION_SIGNIN_LOG_DAYS:
        cutoff = _older_than(days, now)
        deleted["signin_log"] = (
            AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
            + AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
        )
    return deleted


def help_center_searches_delete(*, now: Any = None) -> int:
    """Delete the help-center searches recorded more than ``HELPDESK_RETENTION_SEARCH_DAYS``
    ago (0: keep): their texts may hold what customers typed about themselves. Idempotent."""
    days = settings.HELPDESK_RETENTION_SEARCH_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return SearchQuery.objects.filter(created_at__lt=cutoff).delete()[0]
