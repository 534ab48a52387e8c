from django.contrib import admin
from django.http import HttpRequest

from .models import (
    BusinessHours,
    CannedResponse,
    Category,
    CSATResponse,
    NPSResponse,
    RefundRequest,
    SLAPolicy,
    Ticket,
    TicketEvent,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_zh_hans", "position", "is_active"]
    list_editable = ["position", "is_active"]
    filter_horizontal = ["agents"]
    search_fields = ["slug", "name_en", "name_zh_hans"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["priority", "first_response_minutes", "resolution_minutes", "business_hours"]


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["key", "language", "title", "category", "is_active"]
    list_filter = ["language", "is_active", "category"]
    search_fields = ["key", "title", "body"]


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
