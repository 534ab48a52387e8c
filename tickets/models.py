"""Tickets: the lifecycle of a customer's request, with its messages, its append-only
event trail, SLA policies, canned responses, refunds, satisfaction and NPS surveys.

Writes go through ``tickets.services``; this module holds fields, constraints and facts
derived from one row.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import AgentTier
from helpdesk.fields import EncryptedTextField

from .choices import ACTIVE_STATUSES, Channel, Priority, Status
from .querysets import TicketQuerySet

__all__ = ["ACTIVE_STATUSES", "Channel", "Priority", "Status"]

REFERENCE_PREFIX = "HD-"
_REFERENCE = re.compile(r"^\s*#?\s*HD-?([0-9]{1,18})\s*$", re.IGNORECASE)


class Category(models.Model):
    """A ticket category (configurable; seeded with the knowledge-payment set).

    Agents' skills are categories: ``agent_profile.skills`` is the reverse of ``agents``,
    declared here so that accounts depends on no other app.
    """

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    agents = models.ManyToManyField(
        "accounts.AgentProfile", related_name="skills", blank=True, verbose_name=_("agents with this skill")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        language = get_language() or "en"
        return self.name_zh_hans if language.startswith("zh") else self.name_en


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("category")
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=AgentTier.choices, default=AgentTier.TIER_1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    order = models.ForeignKey(
        "accounts.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("order"),
    )
    course = models.ForeignKey(
        "accounts.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("course"),
    )
    resolution = models.TextField(
        _("resolution"), blank=True, help_text=_("How the request was settled; required to resolve a complaint.")
    )
    # SLA: due times follow from created_at, the policy and the time spent pending.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    first_response_breached_at = models.DateTimeField(_("first response breached at"), null=True, blank=True)
    resolution_breached_at = models.DateTimeField(_("resolution breached at"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA clock paused at"), null=True, blank=True)
    sla_paused_minutes = models.FloatField(
        _("minutes paused"), default=0, help_text=_("SLA time spent waiting on the customer, added to the targets.")
    )
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)
    # Smart answers: when the automatic reply with articles went out, and when the customer's
    # "this solved it" resolved the ticket without an agent (a deflection).
    auto_answered_at = models.DateTimeField(_("auto-answered at"), null=True, blank=True)
    deflected_at = models.DateTimeField(_("deflected at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    # Optimistic lock: every write through the services bumps it; a stale write is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "tier", "-created_at"], name="ticket_status_tier_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["category", "status"], name="ticket_category_status_idx"),
            models.Index(fields=["priority", "status"], name="ticket_priority_status_idx"),
            models.Index(fields=["channel", "status"], name="ticket_channel_status_idx"),
            models.Index(fields=["first_response_due_at"], name="ticket_fr_due_idx"),
            models.Index(fields=["resolution_due_at"], name="ticket_res_due_idx"),
            models.Index(fields=["-created_at"], name="ticket_created_idx"),
            # The desk's default view: open tickets, newest first.
            models.Index(
                fields=["-created_at"], condition=Q(status__in=ACTIVE_STATUSES), name="ticket_active_created_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(tier__in=[1, 2]), name="ticket_tier_1_or_2"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="ticket_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        """What customers quote: ``HD-1234``."""
        return f"{REFERENCE_PREFIX}{self.pk}"

    @staticmethod
    def pk_from_reference(text: str) -> int | None:
        """``HD-1234``, ``#hd1234`` or ``hd-1234`` → 1234; anything else → None."""
        match = _REFERENCE.match(text or "")
        return int(match.group(1)) if match else None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AgentLoad(models.Model):
    """Each assignee's open tickets (status in ``ACTIVE_STATUSES``), kept by database
    triggers on the tickets table (migration 0024), never written from Python. Routing's
    "fewest open tickets" reads one row per candidate here instead of counting their open
    tickets on every new ticket, a count that grew with the queue (3 ms of PostgreSQL for
    four agents with 1,800 open tickets each; docs/benchmarks.md, "Session 4 of issue 11")."""

    user_id = models.BigIntegerField(_("user"), primary_key=True)
    open_tickets = models.IntegerField(_("open tickets"), default=0)

    class Meta:
        verbose_name = _("agent load")
        verbose_name_plural = _("agent loads")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.open_tickets}"


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket_messages",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices, default=MessageKind.REPLY)
    body = models.TextField(_("message"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    is_automatic = models.BooleanField(_("sent automatically"), default=False)
    from_customer = models.BooleanField(_("from the customer"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_created_idx")]

    def __str__(self) -> str:
        return f"{self.ticket.reference} · {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind == MessageKind.REPLY


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{instance.message.ticket_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(
        TicketMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class TicketEvent(models.Model):
    """One change of a ticket: who, when, what (``type``, ``data``) and why. Append-only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for changes made by the system (rules, schedules)."),
    )
    type = models.CharField(_("type"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_created_idx"),
            models.Index(fields=["type", "created_at"], name="event_type_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Ticket events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Ticket events are append-only.")


class BusinessHours(models.Model):
    """Opening hours for SLA clocks. ``weekly`` maps "0" (Monday) … "6" to intervals
    ``[["09:00", "12:00"], ["13:00", "18:00"]]``; ``holidays`` (the company's closures) and
    ``working_days`` (its extra working days) list "YYYY-MM-DD". With
    ``follows_china_calendar``, mainland China's public holidays close and its make-up
    working days (调休) open, as the chinesecalendar package knows them. Edited through
    ``tickets.forms.business_hours.BusinessHoursForm``, never as JSON."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    weekly = models.JSONField(_("weekly hours"), default=dict)
    holidays = models.JSONField(_("company closures"), default=list, blank=True)
    working_days = models.JSONField(_("extra working days"), default=list, blank=True)
    follows_china_calendar = models.BooleanField(
        _("mainland China's public holidays and make-up working days"),
        default=False,
        help_text=_("Closed on public holidays; open on the make-up working days (调休) with the weekday hours."),
    )

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SLAPolicy(models.Model):
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response target (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution target (minutes)"))
    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("business hours"),
        help_text=_("Empty: the clock runs around the clock."),
    )
    # Live chat (channel ``chat``) is answered in seconds, not hours: its own targets, on the
    # same clock (business hours, pauses). Empty: chats use the minute targets above.
    chat_first_response_seconds = models.PositiveIntegerField(
        _("chat first response target (seconds)"), null=True, blank=True
    )
    chat_resolution_seconds = models.PositiveIntegerField(_("chat resolution target (seconds)"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["priority"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution_minutes__gte=models.F("first_response_minutes")),
                name="sla_resolution_after_first_response",
            ),
            models.CheckConstraint(
                condition=Q(chat_first_response_seconds__isnull=True)
                | Q(chat_resolution_seconds__isnull=True)
                | Q(chat_resolution_seconds__gte=models.F("chat_first_response_seconds")),
                name="sla_chat_resolution_after_first_response",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_priority_display())

    def targets_minutes(self, channel: str) -> tuple[float, float]:
        """First-response and resolution targets in (possibly fractional) minutes for a
        ticket of ``channel``: a chat's targets in seconds when set, else the minutes."""
        first, resolution = float(self.first_response_minutes), float(self.resolution_minutes)
        if channel == Channel.CHAT:
            if self.chat_first_response_seconds is not None:
                first = self.chat_first_response_seconds / 60
            if self.chat_resolution_seconds is not None:
                resolution = self.chat_resolution_seconds / 60
        return first, resolution


class CannedResponse(models.Model):
    """A reusable reply, one row per language; ``key`` links the translations.
    Placeholders: {customer_name}, {course}, {order}, {reference}, {agent_name}."""

    key = models.SlugField(_("key"), max_length=80)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"))
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["key", "language"]
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="canned_unique_key_language")]

    def __str__(self) -> str:
        return self.title


class Macro(models.Model):
    """A manager's one-click action for agents: an optional public reply (with the
    placeholders of canned responses) and field changes, applied together by
    ``ticket_macro_apply``. Empty fields change nothing."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    reply = models.TextField(
        _("reply"), blank=True, help_text=_("Sent to the customer. Placeholders as in canned responses.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        blank=True,
        choices=[(value, label) for value, label in Status.choices if value != Status.NEW],
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    priority = models.CharField(_("priority"), max_length=10, blank=True, choices=Priority.choices)
    tier = models.PositiveSmallIntegerField(
        _("tier"),
        null=True,
        blank=True,
        choices=AgentTier.choices,
        help_text=_("Tier 2 escalates (the macro's name is the reason); tier 1 hands the ticket back."),
    )
    assign_to_me = models.BooleanField(_("assign to the agent applying it"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
        limit_choices_to={"groups__name": "agent"},
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assign_to_me=False) | Q(assignee__isnull=True), name="macro_one_assignee_rule"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("refund status", "Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RefundRequest(models.Model):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="refund_request", verbose_name=_("ticket")
    )
    order = models.ForeignKey(
        "accounts.Order", on_delete=models.PROTECT, related_name="refund_requests", verbose_name=_("order")
    )
    amount = models.DecimalField(_("amount requested"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    approved_amount = models.DecimalField(_("amount approved"), max_digits=10, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"{self.order} · {self.amount}"


class CSATResponse(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="csat", verbose_name=_("ticket"))
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="csat_responses", verbose_name=_("customer")
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="csat_rating_1_to_5")]
        indexes = [
            models.Index(fields=["created_at"], name="csat_created_idx"),
            models.Index(fields=["customer", "-created_at"], name="csat_customer_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.rating}"

    @property
    def is_satisfied(self) -> bool:
        return self.rating >= 4


class NPSResponse(models.Model):
    """One NPS survey offered to a customer (at most once a quarter), and its answer."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nps_responses", verbose_name=_("customer")
    )
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        ordering = ["-offered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=10), name="nps_score_0_to_10"),
        ]
        indexes = [
            models.Index(fields=["customer", "-offered_at"], name="nps_customer_offered_idx"),
            models.Index(fields=["answered_at"], name="nps_answered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score}"


class Notification(models.Model):
    """An in-app notification. ``type`` is dotted (``tickets.ticket.escalated``); the text
    is rendered at display time in the reader's language from ``type`` and ``data``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    type = models.CharField(_("type"), max_length=64)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("ticket")
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.type}"


# ---------------------------------------------------------------------------
# The email channel (tickets.email): mailboxes polled over IMAP, and every mail message
# that came in or went out, which makes ingestion idempotent and threads replies.
# ---------------------------------------------------------------------------


class ImapSecurity(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (loopback and tests only)")


class Mailbox(models.Model):
    """A support address whose IMAP folder is polled; its mail becomes tickets. The
    password is stored encrypted and kept out of logs, ``repr`` and the admin's display."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.EmailField(
        _("support address"), help_text=_("Customers write to it; replies to our notifications go back to it.")
    )
    imap_host = models.CharField(_("IMAP host"), max_length=255)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.SSL
    )
    imap_user = models.CharField(_("IMAP user"), max_length=255)
    imap_password = EncryptedTextField(_("IMAP password"))
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    default_category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default category"),
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    delete_after_import = models.BooleanField(
        _("delete after import"),
        default=False,
        help_text=_("Off: imported messages are marked as read and stay in the folder."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def __repr__(self) -> str:
        return f"<Mailbox {self.pk} {self.imap_user}@{self.imap_host}:{self.imap_port}/{self.folder}>"


class MailDirection(models.TextChoices):
    INBOUND = "in", _("Received")
    OUTBOUND = "out", _("Sent")


class MailStatus(models.TextChoices):
    CREATED = "created", _("Opened a ticket")
    APPENDED = "appended", _("Added to a ticket")
    IGNORED = "ignored", _("Ignored")
    QUARANTINED = "quarantined", _("Quarantined")
    HELD = "held", _("Held for review")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MailMessage(models.Model):
    """One mail message, received or sent. Received: the raw bytes are kept whatever
    happened (a quarantined message can be retried from them), with the full text before
    the quoted history was trimmed. Sent: the Message-ID replies will quote."""

    direction = models.CharField(_("direction"), max_length=3, choices=MailDirection.choices)
    status = models.CharField(_("status"), max_length=12, choices=MailStatus.choices)
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, help_text=_("Without angle brackets; sha256:… when missing.")
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages", verbose_name=_("mailbox")
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="mails", verbose_name=_("ticket")
    )
    ticket_message = models.ForeignKey(
        TicketMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="mails", verbose_name=_("message")
    )
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("notification"),
    )
    sender = models.CharField(_("from"), max_length=254, blank=True)
    recipients = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("full text"), blank=True)
    html = models.TextField(_("sanitized HTML"), blank=True)
    raw = models.BinaryField(_("raw message"), blank=True, default=b"")
    reason = models.TextField(_("reason or error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail message")
        verbose_name_plural = _("mail messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["sender", "created_at"], name="mail_sender_created_idx"),
            models.Index(fields=["status", "-created_at"], name="mail_status_created_idx"),
            models.Index(fields=["ticket", "created_at"], name="mail_ticket_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.subject or self.message_id}"
