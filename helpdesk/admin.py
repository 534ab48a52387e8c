from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import WorkerHeartbeat
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
