"""Report pages (managers, /reports/), read from the snapshots Celery computes: what every
page shares, and the refresh action. The pages: ``ticket_reports`` (tickets, agents) and
``customer_reports`` (customers, learners).

Every page shows the periods of the filters' range for one dimension value: KPI cards for
the latest period against the one before, SVG charts and tables; ``?export=<table>``
downloads any table as CSV.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import VIEW_REPORTS
from helpdesk.access import SurfaceAccessMixin

from ..forms import ReportFilterForm, ReportRefreshForm
from ..models import Dimension, Granularity, ReportSnapshot
from ..selectors import ReportScope, dimension_labels, report_run_latest, snapshot_breakdown, snapshot_series
from ..services import report_refresh_request
from .tables import Column, Table, table_csv_response


def snapshot_figure(data: dict | None, *path: str) -> Any:
    """The figure at ``path`` in a snapshot's data (``("csat", "score")``), or None when any
    step is missing: "no data", never an error."""
    for name in path:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def period_label(granularity: str, start: datetime, end: datetime | None = None) -> str:
    local = timezone.localtime(start)
    if granularity == Granularity.MONTH:
        return f"{local:%Y-%m}"
    if granularity == Granularity.WEEK:
        return _("%(date)s (week %(week)s)") % {"date": f"{local:%Y-%m-%d}", "week": local.isocalendar().week}
    if granularity == Granularity.ROLLING and end is not None:
        last = timezone.localtime(end) - timedelta(days=1)
        return f"{local:%m-%d}–{last:%m-%d}"
    return f"{local:%Y-%m-%d}"


def snapshot_is_partial(snapshot: ReportSnapshot) -> bool:
    """Whether the snapshot's period was not over when it was computed (this month so far)."""
    return snapshot.end > snapshot.computed_at


def snapshot_label(granularity: str, snapshot: ReportSnapshot) -> str:
    label = period_label(granularity, snapshot.start, snapshot.end)
    if snapshot_is_partial(snapshot):
        return _("%(period)s (so far)") % {"period": label}
    return label


class ReportPageView(SurfaceAccessMixin, TemplateView):
    """A report page: filters, the periods' snapshots, KPI cards, charts and tables.
    Subclasses fill ``build`` from ``self.scope``, ``self.series`` and ``self.current``."""

    required_permission = VIEW_REPORTS
    template_name = "analytics/reports/page.html"
    page = ""
    title = ""
    # Whether the page's figures exist per dimension value (ticket metrics) or only overall.
    by_dimension = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.form = ReportFilterForm(request.GET or None)
        scope = self.form.scope()
        if not self.by_dimension:
            scope = ReportScope(granularity=scope.granularity, first=scope.first, last=scope.last)
        self.scope = scope
        first, last = scope.starts
        series = snapshot_series(scope=scope)
        self.previous_of = {snapshot.start: snapshot for snapshot in series}
        self.series = [snapshot for snapshot in series if snapshot.start >= first]
        self.current = self.series[-1] if self.series else None
        self.previous = self.previous_of.get(scope.previous_start(self.current.start)) if self.current else None
        # A period not over yet is compared with the same span of the period before, never
        # with the whole of it (the overall snapshot holds that span's figures).
        self.previous_data = self.previous.data if self.previous else None
        self.comparison = _("vs previous period")
        span = snapshot_figure(self.current.data, "previous_span") if self.current else None
        if self.current and snapshot_is_partial(self.current):
            self.previous_data = span
            if span:
                first = timezone.localtime(datetime.fromisoformat(span["start"]))
                last = timezone.localtime(datetime.fromisoformat(span["end"]))
                self.comparison = _("vs the same span before (%(start)s – %(end)s)") % {
                    "start": f"{first:%m-%d %H:%M}",
                    "end": f"{last:%m-%d %H:%M}",
                }
        built = self.build()
        export = request.GET.get("export")
        if export:
            for table in built.get("tables", []):
                if table.name == export:
                    return table_csv_response(table, filename_prefix=f"report-{self.page}")
            raise Http404(_("This page has no table of that name."))
        context = self.get_context_data(**kwargs, **built)
        return self.render_to_response(context)

    def build(self) -> dict[str, Any]:
        """The page's charts and tables: ``{"charts": [...], "tables": [...]}``. Every
        report page subclass defines it; the base class has no page of its own."""
        raise NotImplementedError(f"{type(self).__name__} must define build().")

    def labels(self) -> list[str]:
        return [snapshot_label(self.scope.granularity, snapshot) for snapshot in self.series]

    def trend_table(
        self, *, name: str, title: str, fields: list[tuple[Column, tuple[str, ...]]], note: str = ""
    ) -> Table:
        """One row per period: the period, then for each column the figure at its path in
        the snapshot's data (for example ``("csat", "score")``)."""
        return Table(
            name=name,
            title=title,
            columns=[Column(_("Period")), *(column for column, _path in fields)],
            rows=[
                [label, *(snapshot_figure(s.data, *path) for _column, path in fields)]
                for label, s in zip(self.labels(), self.series, strict=True)
            ],
            note=note,
        )

    def trend(self, *path: str) -> list[Any]:
        return [snapshot_figure(snapshot.data, *path) for snapshot in self.series]

    def breakdown(self, dimension: str) -> list[tuple[str, ReportSnapshot]]:
        if self.current is None:
            return []
        rows = snapshot_breakdown(granularity=self.scope.granularity, start=self.current.start, dimension=dimension)
        names = dimension_labels(dimension, {row.key for row in rows})
        return [(names.get(row.key, row.key), row) for row in rows]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        segment_label = _("All tickets")
        if self.scope.dimension != Dimension.OVERALL:
            names = dimension_labels(self.scope.dimension, {self.scope.key})
            segment_label = f"{Dimension(self.scope.dimension).label}: {names.get(self.scope.key, self.scope.key)}"
        context.update(
            page=self.page,
            title=self.title,
            form=self.form,
            scope=self.scope,
            segment_label=segment_label,
            segment_value="overall"
            if self.scope.dimension == Dimension.OVERALL
            else f"{self.scope.dimension}:{self.scope.key}",
            by_dimension=self.by_dimension,
            current=self.current,
            current_label=snapshot_label(self.scope.granularity, self.current) if self.current else "",
            previous=self.previous,
            comparison=self.comparison,
            min_sample=settings.HELPDESK_REPORT_MIN_SAMPLE,
            query=query.urlencode(),
            pages=REPORT_PAGES,
            run=report_run_latest(),
            refresh_form=ReportRefreshForm(initial={"granularity": self.scope.granularity, "day": self.scope.last}),
        )
        return context


REPORT_PAGES = [
    ("reports:home", gettext_lazy("Overview")),
    ("reports:satisfaction", gettext_lazy("CSAT and NPS")),
    ("reports:times", gettext_lazy("Times and SLA")),
    ("reports:volume", gettext_lazy("Volume")),
    ("reports:escalations", gettext_lazy("Escalations")),
    ("reports:deflection", gettext_lazy("Deflection")),
    ("reports:agents", gettext_lazy("Agents")),
    ("reports:customers", gettext_lazy("Customers")),
    ("reports:learners", gettext_lazy("Learners")),
    ("reports:staffing", gettext_lazy("Staffing")),
    ("reports:subscriptions", gettext_lazy("Digests, alerts and targets")),
]


class ReportRefreshView(SurfaceAccessMixin, View):
    """A manager asks for one period to be computed again now (queued for the worker)."""

    required_permission = VIEW_REPORTS
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReportRefreshForm(request.POST)
        if form.is_valid():
            report_refresh_request(granularity=form.cleaned_data["granularity"], day=form.cleaned_data["day"])
            messages.success(request, _("The report is being computed again; reload the page in a minute."))
        else:
            errors = "; ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
            messages.error(request, _("The report could not be refreshed: %(errors)s") % {"errors": errors})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("reports:home")
        return HttpResponseRedirect(target)
