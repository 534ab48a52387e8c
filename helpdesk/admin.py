from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .events import events_enqueue
from .models import Event, WorkerHeartbeat
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
