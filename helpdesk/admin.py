from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.authtoken.models import TokenProxy

from .events import events_enqueue
from .models import AuditEvent, EncryptedTOTPDevice, Event, WorkerHeartbeat
from .selectors import heartbeat_is_stale

admin.site.site_header = _("Helpdesk administration")
admin.site.site_title = _("Helpdesk admin")
admin.site.index_title = _("Configuration")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen_at", "runs", "first_seen_at", "is_alive"]
    readonly_fields = ["hostname", "first_seen_at", "last_seen_at", "runs"]

    @admin.display(boolean=True, description=_("alive"))
    def is_alive(self, obj: WorkerHeartbeat) -> bool:
        return not heartbeat_is_stale(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WorkerHeartbeat | None = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The outbox, read-only: what happened, and whether every consumer has had it."""

    list_display = ["id", "type", "visibility", "ticket_id", "created_at", "dispatched_at", "attempts"]
    list_filter = ["type", "visibility"]
    readonly_fields = [f.name for f in Event._meta.fields]
    actions = ["dispatch_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    @admin.action(description=_("Dispatch the selected events now"))
    def dispatch_again(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        ids = list(queryset.filter(dispatched_at__isnull=True).values_list("pk", flat=True))
        queryset.filter(pk__in=ids).update(next_attempt_at=None)
        events_enqueue(ids)


admin.site.unregister(AccessAttempt)
# django-otp's plain-text TOTP devices are replaced by EncryptedTOTPDevice (migration
# helpdesk 0004 moved them); the table stays empty, for that migration only.
admin.site.unregister(TOTPDevice)
# DRF's plain-text tokens are replaced by hashed ones (accounts.ApiToken); the table stays
# only for the migration that moved them.
admin.site.unregister(TokenProxy)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """django-axes' lockouts (administrators only). Its clean-up action reads the time of
    a sign-in attempt from the request, which an admin request does not carry: it gets
    the current time here instead of failing."""

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        request.axes_attempt_time = timezone.now()
        super().cleanup_expired_attempts(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, for administrators only: read, filter, never change."""

    list_display = ["created_at", "actor", "action", "subject", "summary"]
    list_filter = ["action", "created_at"]
    search_fields = ["summary", "actor__email", "subject__email"]
    list_select_related = ["actor", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(EncryptedTOTPDevice)
class EncryptedTOTPDeviceAdmin(admin.ModelAdmin):
    """Staff members' authenticator apps, for administrators: see who has one, remove a
    lost one. The secret is never shown, nor changed here."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = ["user", "created_at", "last_used_at", "throttling_failure_count"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebAuthnCredential)
class PasskeyAdmin(WebAuthnCredentialAdmin):
    """Staff members' passkeys (django-otp-webauthn's admin), for administrators: see who
    has one, disable or remove a lost one. A passkey is only ever created by its owner's
    browser."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
