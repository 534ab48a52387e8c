from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.events import task_enqueue

from .email.ingest import Outcome, mail_release, mail_retry
from .forms.business_hours import BusinessHoursForm
from .models import (
    BusinessHours,
    CannedResponse,
    Category,
    CSATResponse,
    Macro,
    Mailbox,
    MailMessage,
    MailStatus,
    NPSResponse,
    RefundRequest,
    SLAPolicy,
    Ticket,
    TicketEvent,
)
from .tasks import mailbox_poll_task


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_zh_hans", "position", "is_active"]
    list_editable = ["position", "is_active"]
    filter_horizontal = ["agents"]
    search_fields = ["slug", "name_en", "name_zh_hans"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "priority",
        "first_response_minutes",
        "resolution_minutes",
        "chat_first_response_seconds",
        "chat_resolution_seconds",
        "business_hours",
    ]


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    form = BusinessHoursForm
    list_display = ["name", "timezone", "follows_china_calendar"]
    fieldsets = [
        (None, {"fields": ["name", "timezone"]}),
        (_("Opening hours"), {"fields": [f"day_{number}" for number in range(7)]}),
        (_("Holidays"), {"fields": ["follows_china_calendar", "closures", "extra_working_days"]}),
    ]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["key", "language", "title", "category", "is_active"]
    list_filter = ["language", "is_active", "category"]
    search_fields = ["key", "title", "body"]


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    """Managers define macros; agents apply them from the ticket page."""

    list_display = ["name", "status", "priority", "category", "tier", "assign_to_me", "is_active"]
    list_filter = ["is_active", "status", "tier"]
    search_fields = ["name", "reply"]
    raw_id_fields = ["assignee"]
    readonly_fields = ["created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services only: the admin shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["id", "subject", "customer", "status", "tier", "priority", "category", "assignee", "created_at"]
    list_filter = ["status", "tier", "priority", "channel", "category"]
    search_fields = ["id", "subject", "customer__email"]
    list_select_related = ["customer", "category", "assignee"]
    show_full_result_count = False


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "type", "actor", "reason", "created_at"]
    list_filter = ["type"]
    list_select_related = ["ticket", "actor"]
    show_full_result_count = False


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "order", "amount", "status", "approved_amount", "decided_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["ticket", "order", "decided_by"]


@admin.register(CSATResponse)
class CSATResponseAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "customer", "rating", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["ticket", "customer"]
    show_full_result_count = False


@admin.register(NPSResponse)
class NPSResponseAdmin(ReadOnlyAdmin):
    list_display = ["customer", "offered_at", "score", "answered_at"]
    list_select_related = ["customer"]
    show_full_result_count = False


class MailboxForm(forms.ModelForm):
    """The IMAP password is write-only: never shown again; left blank, it is kept, unless
    the server or the account changed (the password never follows a mailbox to another
    server without being typed again)."""

    # A change of any of these takes the password again.
    CONNECTION_FIELDS = ("imap_host", "imap_port", "imap_security", "imap_user")

    imap_password = forms.CharField(
        label=_("IMAP password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave blank to keep the current password (for the same server and user)."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_user",
            "imap_password",
            "folder",
            "default_category",
            "default_priority",
            "delete_after_import",
            "is_active",
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("imap_password"):
            return cleaned
        if not self.instance.pk:
            self.add_error("imap_password", _("A new mailbox needs its IMAP password."))
        elif set(self.CONNECTION_FIELDS) & set(self.changed_data):
            self.add_error("imap_password", _("The server or the user changed: enter the IMAP password for it again."))
        else:
            cleaned["imap_password"] = self.instance.imap_password  # the stored one (decrypted)
        return cleaned


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "imap_host", "folder", "is_active", "last_polled_at", "has_error"]
    list_filter = ["is_active"]
    readonly_fields = ["last_polled_at", "last_error", "created_at"]
    actions = ["poll_now"]

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj: Mailbox) -> bool:
        return bool(obj.last_error)

    @admin.action(description=_("Poll the selected mailboxes now"), permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            task_enqueue(mailbox_poll_task, pk)
        self.message_user(request, _("Polling queued."), messages.SUCCESS)


@admin.register(MailMessage)
class MailMessageAdmin(ReadOnlyAdmin):
    """Every mail received or sent. Quarantined messages show their error and can be
    retried after a fix; their raw bytes are kept. Mail held because it claims a staff
    sender without proof is posted only when a manager releases it."""

    list_display = ["created_at", "direction", "status", "sender", "subject", "ticket", "attempts"]
    list_filter = ["status", "direction", "mailbox"]
    search_fields = ["message_id", "sender", "subject"]
    list_select_related = ["ticket"]
    show_full_result_count = False
    exclude = ["raw", "html"]
    readonly_fields = ["raw_size", "raw_head"]
    actions = ["retry", "release"]

    @admin.display(description=_("raw size (bytes)"))
    def raw_size(self, obj: MailMessage) -> int:
        return len(obj.raw or b"")

    @admin.display(description=_("raw message (start)"))
    def raw_head(self, obj: MailMessage) -> str:
        return bytes(obj.raw or b"")[:4000].decode("utf-8", "replace")

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tickets.change_mailmessage")

    @admin.action(description=_("Post the selected held messages as their staff sender"), permissions=["retry"])
    def release(self, request: HttpRequest, queryset: QuerySet[MailMessage]) -> None:
        released = sum(
            mail_release(mail=mail).outcome == Outcome.APPENDED for mail in queryset.filter(status=MailStatus.HELD)
        )
        self.message_user(
            request,
            ngettext("%(count)d message posted.", "%(count)d messages posted.", released) % {"count": released},
            messages.SUCCESS,
        )

    @admin.action(description=_("Retry the selected quarantined messages"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[MailMessage]) -> None:
        filed = failed = 0
        for mail in queryset.filter(status=MailStatus.QUARANTINED):
            outcome = mail_retry(mail=mail).outcome
            if outcome == Outcome.QUARANTINED:
                failed += 1
            else:
                filed += 1
        self.message_user(
            request,
            ngettext("%(count)d message filed.", "%(count)d messages filed.", filed) % {"count": filed},
            messages.SUCCESS,
        )
        if failed:
            self.message_user(
                request,
                ngettext("%(count)d message is still quarantined.", "%(count)d messages are still quarantined.", failed)
                % {"count": failed},
                messages.WARNING,
            )
