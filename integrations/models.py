"""The platform connection: integrations and their API keys, sign-in tokens already used,
and webhook subscriptions with their delivery log.

Secrets we must read back (the JWT secret, the signing secrets of webhooks) are stored
encrypted (``helpdesk.fields.EncryptedTextField``); API keys are stored only as SHA-256
hashes (they are random, 256 bits: a fast hash is enough) and shown once, when made.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.fields import EncryptedTextField


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Integration(models.Model):
    """One platform (its own system, or a SaaS shop) connected to the helpdesk."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    jwt_secret = EncryptedTextField(
        _("JWT secret"), default=new_secret, help_text=_("Signs the platform's sign-in tokens (HS256).")
    )
    webhook_secret = EncryptedTextField(
        _("inbound webhook secret"),
        default=new_secret,
        help_text=_("Signs the webhooks the platform sends us (HMAC-SHA256)."),
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=600, help_text=_("Per API key; more are answered 429 with Retry-After.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """``hk_<prefix>_<secret>``: the prefix finds the row, the hash proves the key."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("integration")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"hk_{self.prefix}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class UsedToken(models.Model):
    """A sign-in token's ``jti``, kept until the token expires: each works once."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["expires_at"]
        constraints = [models.UniqueConstraint(fields=["integration", "jti"], name="used_token_unique_jti")]
        indexes = [models.Index(fields=["expires_at"], name="used_token_expires_idx")]

    def __str__(self) -> str:
        return self.jti


class WebhookSubscription(models.Model):
    """Where the platform wants our events, and which ones (none chosen: every type)."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("integration")
    )
    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("For example refund.approved; empty: every type.")
    )
    secret = EncryptedTextField(
        _("signing secret"), default=new_secret, help_text=_("Signs each delivery (HMAC-SHA256).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(
        _("disabled at"), null=True, blank=True, help_text=_("Set after repeated failures; re-enable to resume.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["integration", "url"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_name: str) -> bool:
        return not self.event_types or event_name in self.event_types


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one subscription: every attempt's status code lands here. The
    event's id is the idempotency key the receiver sees."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    event = models.ForeignKey("helpdesk.Event", on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    event_name = models.CharField(_("event"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="delivery_unique_subscription_event")
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="delivery_status_idx", condition=~Q(status="succeeded"))
        ]

    def __str__(self) -> str:
        return f"{self.event_name} → {self.subscription}"
