from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key, key_validator

from .fields import EncryptedTextField


class WorkerHeartbeat(models.Model):
    """The last scheduled run seen from each Celery worker (one row per worker host)."""

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    first_seen_at = models.DateTimeField(_("first seen at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last run at"), default=timezone.now)
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return self.hostname


class EventVisibility(models.TextChoices):
    """Who may read an event (the real-time streams and webhooks filter on it)."""

    PUBLIC = "public", _("The customer concerned and staff")
    STAFF = "staff", _("Staff only")
    RECIPIENT = "recipient", _("Only the people it names")


class Event(models.Model):
    """The transactional outbox: one domain event, written in the same transaction as the
    change it records, delivered to its consumers after commit (``helpdesk.events``).

    ``id`` only grows, so a reader can resume from the last id it saw. On PostgreSQL ids
    are drawn when rows are written, not when they commit: a reader resuming from an id
    should leave a moment for transactions still in flight (``EVENT_SETTLE_SECONDS``).
    ``next_attempt_at`` is both a dispatcher's lease and the time of the next retry.
    """

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(_("type"), max_length=64)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=EventVisibility.choices, default=EventVisibility.PUBLIC
    )
    ticket_id = models.BigIntegerField(_("ticket"), null=True, blank=True)
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    consumers_done = models.JSONField(_("consumers done"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(dispatched_at__isnull=True), name="event_pending_idx"),
            models.Index(fields=["ticket_id", "id"], name="event_ticket_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.type}"


class AuditEvent(models.Model):
    """Who did what to whom: role and setting changes, exports and erasures of personal
    data, and every opening of a customer's context in the desk (the access log).
    Append-only; administrators read it in the admin."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty for the system (schedules, rules)."),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose data"),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject", "-created_at"], name="audit_subject_created_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)


class EncryptedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A staff member's authenticator app (TOTP): django-otp's ``TOTPDevice`` with its
    secret stored encrypted (``EncryptedTextField``, the key material and rotation of every
    other stored secret). django-otp finds every ``Device`` model, so sign-in treats it
    like any other device; the one-time-password arithmetic is django-otp's own (the
    methods below are ``TOTPDevice``'s). Migration 0004 moved the plain-text devices here.
    """

    key = EncryptedTextField(
        _("secret key"),
        validators=[key_validator],
        default=default_key,
        help_text=_("Hex-encoded, up to 40 bytes; stored encrypted."),
    )
    step = models.PositiveSmallIntegerField(_("time step (seconds)"), default=30)
    t0 = models.BigIntegerField(_("first time step (Unix time)"), default=0)
    digits = models.PositiveSmallIntegerField(_("digits"), choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(_("steps of tolerance"), default=1)
    drift = models.SmallIntegerField(_("drift (steps)"), default=0)
    last_t = models.BigIntegerField(_("last verified step"), default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
        ordering = ["user", "pk"]

    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings
