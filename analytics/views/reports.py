"""Report pages (managers, /reports/)."""

from typing import Any

from django.views.generic import TemplateView

from accounts.roles import VIEW_REPORTS
from helpdesk.access import SurfaceAccessMixin
from helpdesk.selectors import heartbeat_is_stale, heartbeat_latest

from ..selectors import ACTIVE_LEARNER_DAYS, OVERVIEW_DAYS, business_overview


class ReportsHomeView(SurfaceAccessMixin, TemplateView):
    required_permission = VIEW_REPORTS
    template_name = "analytics/reports/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        beat = heartbeat_latest()
        context.update(
            overview=business_overview(),
            overview_days=OVERVIEW_DAYS,
            active_learner_days=ACTIVE_LEARNER_DAYS,
            heartbeat=beat,
            heartbeat_stale=heartbeat_is_stale(beat),
        )
        return context
