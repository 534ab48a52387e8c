"""Report pages (managers, /reports/), read from the snapshots Celery computes.

Every page shows the periods of the filters' range for one dimension value: KPI cards for
the latest period against the one before, SVG charts and tables; ``?export=<table>``
downloads any table as CSV.
"""

from datetime import datetime
from typing import Any

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
from helpdesk.selectors import heartbeat_is_stale, heartbeat_latest
from tickets.services.escalation import EscalationRule

from ..charts import bar_chart, line_chart
from ..forms import ReportFilterForm, ReportRefreshForm
from ..metrics import RESPONSE_CURVE_MINUTES
from ..models import Dimension, Granularity, ReportSnapshot
from ..selectors import ReportScope, dimension_labels, report_run_latest, snapshot_breakdown, snapshot_series
from ..services import report_refresh_request
from .tables import Column, Table, table_csv_response

SEGMENT_LABELS = {
    "at_risk": gettext_lazy("At risk"),
    "casual": gettext_lazy("Casual"),
    "engaged": gettext_lazy("Engaged"),
}


def _get(data: dict | None, *path: str) -> Any:
    for name in path:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


def period_label(granularity: str, start: datetime) -> str:
    local = timezone.localtime(start)
    if granularity == Granularity.MONTH:
        return f"{local:%Y-%m}"
    if granularity == Granularity.WEEK:
        return _("%(date)s (week %(week)s)") % {"date": f"{local:%Y-%m-%d}", "week": local.isocalendar().week}
    return f"{local:%Y-%m-%d}"


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
        return [period_label(self.scope.granularity, snapshot.start) for snapshot in self.series]

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
                [label, *(_get(s.data, *path) for _column, path in fields)]
                for label, s in zip(self.labels(), self.series, strict=True)
            ],
            note=note,
        )

    def trend(self, *path: str) -> list[Any]:
        return [_get(snapshot.data, *path) for snapshot in self.series]

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
            current_label=period_label(self.scope.granularity, self.current.start) if self.current else "",
            previous=self.previous,
            query=query.urlencode(),
            pages=REPORT_PAGES,
            run=report_run_latest(),
            refresh_form=ReportRefreshForm(initial={"granularity": self.scope.granularity, "day": self.scope.last}),
        )
        return context


def _kpi(label: str, kind: str, current: Any, previous: Any) -> dict[str, Any]:
    change = None
    if isinstance(current, int | float) and isinstance(previous, int | float):
        change = round(current - previous, 1)
    return {"label": label, "kind": kind, "value": current, "previous": previous, "change": change}


class OverviewView(ReportPageView):
    page = "overview"
    title = gettext_lazy("Business overview")

    def build(self) -> dict[str, Any]:
        now = self.current.data if self.current else None
        before = self.previous.data if self.previous else None
        overall = self.scope.dimension == Dimension.OVERALL
        specs = [
            (_("Tickets created"), "int", ("volume", "created")),
            (_("Resolution rate"), "pct", ("volume", "resolution_rate")),
            (_("Backlog at period end"), "int", ("volume", "backlog")),
            (_("Median first response"), "seconds", ("first_response", "median_seconds")),
            (_("Median resolution time"), "seconds", ("resolution", "median_seconds")),
            (_("SLA met (both targets)"), "pct", ("sla", "both_met")),
            (_("CSAT"), "pct", ("csat", "score")),
            (_("Escalation rate"), "pct", ("escalation", "rate")),
            (_("Auto-answer deflection"), "pct", ("deflection", "rate")),
        ]
        if overall:
            specs += [
                (_("NPS"), "num", ("nps", "score")),
                (_("Churn rate"), "pct", ("churn", "churn_rate")),
                (_("Customer lifetime value"), "money", ("clv", "clv")),
            ]
        kpis = [_kpi(label, kind, _get(now, *path), _get(before, *path)) for label, kind, path in specs]
        table = Table(
            name="kpis",
            title=_("Key figures"),
            columns=[
                Column(_("Metric")),
                Column(_("This period"), "num"),
                Column(_("Previous period"), "num"),
                Column(_("Change"), "num"),
            ],
            rows=[[k["label"], k["value"], k["previous"], k["change"]] for k in kpis],
            note=_("Durations in seconds, shares in %."),
        )
        chart = line_chart(
            _("Tickets created and resolved"),
            self.labels(),
            [(_("Created"), self.trend("volume", "created")), (_("Resolved"), self.trend("volume", "resolved"))],
        )
        return {"kpis": kpis, "charts": [chart], "tables": [table]}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        beat = heartbeat_latest()
        context.update(heartbeat=beat, heartbeat_stale=heartbeat_is_stale(beat))
        return context


class SatisfactionView(ReportPageView):
    page = "satisfaction"
    title = gettext_lazy("CSAT and NPS")

    def build(self) -> dict[str, Any]:
        trend = self.trend_table(
            name="trend",
            title=_("Satisfaction by period"),
            fields=[
                (Column(_("CSAT ratings"), "int"), ("csat", "responses")),
                (Column(_("CSAT"), "pct"), ("csat", "score")),
                (Column(_("NPS answers"), "int"), ("nps", "responses")),
                (Column(_("NPS"), "num"), ("nps", "score")),
            ],
            note=_("NPS is asked of customers, not about tickets: it is shown for all tickets only."),
        )
        now = self.current.data if self.current else {}
        csat_distribution = _get(now, "csat", "distribution") or {}
        nps_distribution = _get(now, "nps", "distribution") or {}
        tables = [
            trend,
            Table(
                name="csat-distribution",
                title=_("CSAT ratings, latest period"),
                columns=[Column(_("Rating")), Column(_("Ratings"), "int")],
                rows=[[rating, count] for rating, count in csat_distribution.items()],
            ),
            Table(
                name="nps-distribution",
                title=_("NPS scores, latest period"),
                columns=[Column(_("Score")), Column(_("Answers"), "int")],
                rows=[[score, count] for score, count in nps_distribution.items()],
            ),
            Table(
                name="csat-comments",
                title=_("Latest CSAT comments"),
                columns=[
                    Column(_("Ticket"), "link"),
                    Column(_("Rating"), "int"),
                    Column(_("Comment")),
                    Column(_("Date")),
                ],
                rows=[
                    [
                        (f"HD-{c['ticket_id']}", reverse("desk:ticket-detail", args=[c["ticket_id"]])),
                        c["rating"],
                        c["comment"],
                        c["created_at"][:10],
                    ]
                    for c in _get(now, "csat_comments") or []
                ],
            ),
            Table(
                name="nps-comments",
                title=_("Latest NPS comments"),
                columns=[
                    Column(_("Customer"), "link"),
                    Column(_("Score"), "int"),
                    Column(_("Comment")),
                    Column(_("Date")),
                ],
                rows=[
                    [
                        (f"#{c['customer_id']}", reverse("desk:customer-detail", args=[c["customer_id"]])),
                        c["score"],
                        c["comment"],
                        c["answered_at"][:10],
                    ]
                    for c in _get(now, "nps_comments") or []
                ],
            ),
        ]
        charts = [
            line_chart(
                _("CSAT, share satisfied (%)"), self.labels(), [(_("CSAT"), self.trend("csat", "score"))], y_max=100
            ),
            bar_chart(_("CSAT ratings, latest period"), list(csat_distribution), list(csat_distribution.values())),
            bar_chart(_("NPS scores, latest period"), list(nps_distribution), list(nps_distribution.values())),
        ]
        return {"charts": charts, "tables": tables}


class TimesView(ReportPageView):
    page = "times"
    title = gettext_lazy("Response and resolution times")

    def build(self) -> dict[str, Any]:
        time_columns = [
            Column(_("First response, median"), "seconds"),
            Column(_("First response, mean"), "seconds"),
            Column(_("First response, p90"), "seconds"),
            Column(_("Resolution, median"), "seconds"),
            Column(_("Resolution, mean"), "seconds"),
            Column(_("Resolution, p90"), "seconds"),
            Column(_("SLA first response met"), "pct"),
            Column(_("SLA resolution met"), "pct"),
        ]

        def cells(data: dict) -> list[Any]:
            return [
                _get(data, "first_response", "median_seconds"),
                _get(data, "first_response", "mean_seconds"),
                _get(data, "first_response", "p90_seconds"),
                _get(data, "resolution", "median_seconds"),
                _get(data, "resolution", "mean_seconds"),
                _get(data, "resolution", "p90_seconds"),
                _get(data, "sla", "first_response_met"),
                _get(data, "sla", "resolution_met"),
            ]

        tables = [
            Table(
                name="trend",
                title=_("Times by period"),
                columns=[Column(_("Period")), *time_columns],
                rows=[[label, *cells(s.data)] for label, s in zip(self.labels(), self.series, strict=True)],
                note=_("Resolution time excludes time spent waiting on the customer. CSV: seconds."),
            )
        ]
        for dimension, title in (
            (Dimension.TIER, _("By tier, latest period")),
            (Dimension.CHANNEL, _("By channel, latest period")),
            (Dimension.CATEGORY, _("By category, latest period")),
        ):
            tables.append(
                Table(
                    name=f"by-{dimension}",
                    title=title,
                    columns=[Column(Dimension(dimension).label), *time_columns],
                    rows=[[name, *cells(row.data)] for name, row in self.breakdown(dimension)],
                )
            )
        curve = _get(self.current.data if self.current else None, "first_response", "curve") or []
        tables.append(
            Table(
                name="response-curve",
                title=_("Share answered within t, latest period"),
                columns=[
                    Column(_("Within (minutes)"), "int"),
                    Column(_("Observed"), "pct"),
                    Column(_("Normal model"), "pct"),
                ],
                rows=[[p["minutes"], round(100 * p["empirical"], 1), round(100 * p["normal"], 1)] for p in curve],
                note=_(
                    "Normal model: Φ((t − μ)/σ) with the mean μ and standard deviation σ of the same first responses."
                ),
            )
        )
        thresholds = [_("%(minutes)s min") % {"minutes": m} for m in RESPONSE_CURVE_MINUTES]
        charts = [
            line_chart(
                _("P(first response < t): observed and normal model"),
                thresholds if curve else [],
                [
                    (_("Observed"), [round(100 * p["empirical"], 1) for p in curve]),
                    (_("Normal model"), [round(100 * p["normal"], 1) for p in curve]),
                ],
                y_max=100,
            ),
            line_chart(
                _("Median times (minutes)"),
                self.labels(),
                [
                    (_("First response"), [_minutes(v) for v in self.trend("first_response", "median_seconds")]),
                    (_("Resolution"), [_minutes(v) for v in self.trend("resolution", "median_seconds")]),
                ],
            ),
        ]
        return {"charts": charts, "tables": tables}


class VolumeView(ReportPageView):
    page = "volume"
    title = gettext_lazy("Volume and backlog")

    def build(self) -> dict[str, Any]:
        columns = [
            Column(_("Created"), "int"),
            Column(_("Resolved"), "int"),
            Column(_("Resolution rate"), "pct"),
            Column(_("Backlog at period end"), "int"),
        ]

        def cells(data: dict) -> list[Any]:
            return [_get(data, "volume", name) for name in ("created", "resolved", "resolution_rate", "backlog")]

        tables = [
            Table(
                name="trend",
                title=_("Volume by period"),
                columns=[Column(_("Period")), *columns],
                rows=[[label, *cells(s.data)] for label, s in zip(self.labels(), self.series, strict=True)],
            )
        ]
        for dimension, title in (
            (Dimension.CHANNEL, _("By channel, latest period")),
            (Dimension.CATEGORY, _("By category, latest period")),
        ):
            tables.append(
                Table(
                    name=f"by-{dimension}",
                    title=title,
                    columns=[Column(Dimension(dimension).label), *columns],
                    rows=[[name, *cells(row.data)] for name, row in self.breakdown(dimension)],
                )
            )
        chart = line_chart(
            _("Created, resolved and backlog"),
            self.labels(),
            [
                (_("Created"), self.trend("volume", "created")),
                (_("Resolved"), self.trend("volume", "resolved")),
                (_("Backlog"), self.trend("volume", "backlog")),
            ],
        )
        return {"charts": [chart], "tables": tables}


class EscalationsView(ReportPageView):
    page = "escalations"
    title = gettext_lazy("Escalations")

    def build(self) -> dict[str, Any]:
        rules = {value: str(label) for value, label in EscalationRule.choices}
        by_rule = _get(self.current.data if self.current else None, "escalation", "by_rule") or {}
        columns = [
            Column(_("Tickets created"), "int"),
            Column(_("Reached tier 2"), "int"),
            Column(_("Escalation rate"), "pct"),
        ]

        def cells(data: dict) -> list[Any]:
            return [_get(data, "escalation", name) for name in ("created", "escalated", "rate")]

        tables = [
            Table(
                name="trend",
                title=_("Escalations tier 1 → tier 2 by period"),
                columns=[Column(_("Period")), *columns, Column(_("Escalations made"), "int")],
                rows=[
                    [label, *cells(s.data), _get(s.data, "escalation", "events")]
                    for label, s in zip(self.labels(), self.series, strict=True)
                ],
            ),
            Table(
                name="reasons",
                title=_("Reasons, latest period"),
                columns=[Column(_("Reason")), Column(_("Escalations"), "int")],
                rows=[[rules.get(rule, rule), count] for rule, count in by_rule.items()],
            ),
            Table(
                name="by-category",
                title=_("By category, latest period"),
                columns=[Column(_("Category")), *columns],
                rows=[[name, *cells(row.data)] for name, row in self.breakdown(Dimension.CATEGORY)],
            ),
        ]
        charts = [
            line_chart(
                _("Escalation rate (%)"),
                self.labels(),
                [(_("Escalation rate"), self.trend("escalation", "rate"))],
                y_max=100,
            ),
            bar_chart(_("Reasons, latest period"), [rules.get(rule, rule) for rule in by_rule], list(by_rule.values())),
        ]
        return {"charts": charts, "tables": tables}


class DeflectionView(ReportPageView):
    page = "deflection"
    title = gettext_lazy("Deflection")

    def build(self) -> dict[str, Any]:
        table = self.trend_table(
            name="trend",
            title=_("Deflection by auto-answer, by period"),
            fields=[
                (Column(_("Auto-answered"), "int"), ("deflection", "auto_answered")),
                (Column(_("Solved without an agent"), "int"), ("deflection", "deflected")),
                (Column(_("Deflection rate"), "pct"), ("deflection", "rate")),
                (Column(_("Auto-answer time, median"), "seconds"), ("auto_answer", "median_seconds")),
            ],
        )
        help_center = self.trend_table(
            name="help-center",
            title=_("Help-center deflection, by period"),
            fields=[
                (Column(_("Article views"), "int"), ("help_center", "article_views")),
                (Column(_("No ticket followed"), "int"), ("help_center", "views_deflected")),
                (Column(_("View deflection rate"), "pct"), ("help_center", "view_rate")),
                (Column(_("Suggestions opened"), "int"), ("help_center", "suggestion_opens")),
                (Column(_("Ticket given up"), "int"), ("help_center", "suggestions_deflected")),
                (Column(_("Suggestion deflection rate"), "pct"), ("help_center", "suggestion_rate")),
            ],
            note=_(
                "An article view deflects when the same visitor sent no ticket within the knowledge base's "
                "deflection window afterwards."
            ),
        )
        chart = line_chart(
            _("Deflection rate (%)"),
            self.labels(),
            [
                (_("Deflection rate"), self.trend("deflection", "rate")),
                (_("View deflection rate"), self.trend("help_center", "view_rate")),
            ],
            y_max=100,
        )
        return {"charts": [chart], "tables": [table, help_center]}


class AgentsView(ReportPageView):
    page = "agents"
    title = gettext_lazy("Agent leaderboard")
    by_dimension = False

    def build(self) -> dict[str, Any]:
        rows = []
        for name, snapshot in self.breakdown(Dimension.AGENT):
            data = snapshot.data
            rows.append(
                [
                    name,
                    _get(data, "volume", "resolved") or 0,
                    _get(data, "first_response", "median_seconds"),
                    _get(data, "resolution", "median_seconds"),
                    _get(data, "csat", "score"),
                    _get(data, "csat", "responses"),
                    _get(data, "sla", "both_met"),
                    _get(data, "volume", "backlog"),
                ]
            )
        rows.sort(key=lambda row: (-row[1], str(row[0])))
        table = Table(
            name="leaderboard",
            title=_("Agents, latest period"),
            columns=[
                Column(_("Agent")),
                Column(_("Resolved"), "int"),
                Column(_("First response, median"), "seconds"),
                Column(_("Resolution, median"), "seconds"),
                Column(_("CSAT"), "pct"),
                Column(_("CSAT ratings"), "int"),
                Column(_("SLA met (both targets)"), "pct"),
                Column(_("Open at period end"), "int"),
            ],
            rows=rows,
            note=_("Tickets count for the agent they are assigned to now."),
        )
        chart = bar_chart(
            _("Tickets resolved, latest period"), [str(row[0]) for row in rows[:12]], [row[1] for row in rows[:12]]
        )
        return {"charts": [chart], "tables": [table]}


class CustomersView(ReportPageView):
    page = "customers"
    title = gettext_lazy("Customers")
    by_dimension = False

    def build(self) -> dict[str, Any]:
        trend = self.trend_table(
            name="trend",
            title=_("Churn, retention, repurchase and CLV by period"),
            fields=[
                (Column(_("Active at start"), "int"), ("churn", "active_at_start")),
                (Column(_("Churned"), "int"), ("churn", "churned")),
                (Column(_("Churn rate"), "pct"), ("churn", "churn_rate")),
                (Column(_("Retention"), "pct"), ("churn", "retention_rate")),
                (Column(_("Buyers"), "int"), ("repurchase", "buyers")),
                (Column(_("Repeat buyers"), "int"), ("repurchase", "repeat_buyers")),
                (Column(_("Repurchase rate"), "pct"), ("repurchase", "rate")),
                (Column(_("Average order value"), "money"), ("clv", "average_order_value")),
                (Column(_("Purchase frequency"), "num"), ("clv", "purchase_frequency")),
                (Column(_("CLV"), "money"), ("clv", "clv")),
            ],
            note=_(
                "A customer is active while holding paid access or having bought within the last 30 days "
                "(or the period's length, if longer)."
            ),
        )
        cohorts = _get(self.current.data if self.current else None, "cohorts") or []
        months = max((len(c["retention"]) for c in cohorts), default=0)
        cohort_table = Table(
            name="cohorts",
            title=_("Cohort retention by month of first purchase"),
            columns=[
                Column(_("Cohort")),
                Column(_("Customers"), "int"),
                *[Column(_("Month %(number)s") % {"number": m}, "pct") for m in range(months)],
            ],
            rows=[[c["cohort"], c["size"], *c["retention"], *[None] * (months - len(c["retention"]))] for c in cohorts],
            note=_("Share of each cohort who bought in each month since their first purchase."),
        )
        chart = line_chart(
            _("Churn and repurchase (%)"),
            self.labels(),
            [
                (_("Churn rate"), self.trend("churn", "churn_rate")),
                (_("Repurchase rate"), self.trend("repurchase", "rate")),
            ],
            y_max=100,
        )
        return {"charts": [chart], "tables": [trend, self._by_course(), cohort_table]}

    def _by_course(self) -> Table:
        """The latest period's customer figures of each course's buyers, most active first."""
        fields = [
            (Column(_("Active at start"), "int"), ("churn", "active_at_start")),
            (Column(_("Churn rate"), "pct"), ("churn", "churn_rate")),
            (Column(_("Retention"), "pct"), ("churn", "retention_rate")),
            (Column(_("Buyers"), "int"), ("repurchase", "buyers")),
            (Column(_("Repurchase rate"), "pct"), ("repurchase", "rate")),
            (Column(_("Revenue"), "money"), ("clv", "revenue")),
            (Column(_("Average order value"), "money"), ("clv", "average_order_value")),
            (Column(_("CLV"), "money"), ("clv", "clv")),
        ]
        rows = [
            [name, *(_get(snapshot.data, *path) for _column, path in fields)]
            for name, snapshot in self.breakdown(Dimension.COURSE)
            if any(snapshot.data.get(figure) for figure in ("churn", "repurchase", "clv"))
        ]
        rows.sort(key=lambda row: (-(row[1] or 0), -(row[4] or 0), str(row[0])))
        return Table(
            name="courses",
            title=_("Customers by course, latest period"),
            columns=[Column(_("Course")), *(column for column, _path in fields)],
            rows=rows,
            note=_("Each course counts its own buyers and orders; one customer can count in several courses."),
        )


class LearnersView(ReportPageView):
    page = "learners"
    title = gettext_lazy("Learner segments")
    by_dimension = False

    def build(self) -> dict[str, Any]:
        segments = _get(self.current.data if self.current else None, "segments") or {}
        rows = [
            [
                SEGMENT_LABELS.get(s["key"], s["key"]),
                s["learners"],
                s["minutes_per_week"],
                s["sessions_per_week"],
                s["completion_rate"],
            ]
            for s in segments.get("segments", [])
        ]
        tables = [
            Table(
                name="segments",
                title=_("Segments (k-means), latest period"),
                columns=[
                    Column(_("Segment")),
                    Column(_("Learners"), "int"),
                    Column(_("Minutes per week"), "num"),
                    Column(_("Sessions per week"), "num"),
                    Column(_("Completion"), "pct"),
                ],
                rows=rows,
                note=_("Learning over the four weeks before the period's end."),
            ),
            Table(
                name="at-risk",
                title=_("At-risk learners"),
                columns=[
                    Column(_("Customer"), "link"),
                    Column(_("Minutes per week"), "num"),
                    Column(_("Sessions per week"), "num"),
                    Column(_("Completion"), "pct"),
                ],
                rows=[
                    [
                        (learner["name"], reverse("desk:customer-detail", args=[learner["customer_id"]])),
                        learner["minutes_per_week"],
                        learner["sessions_per_week"],
                        learner["completion_rate"],
                    ]
                    for learner in segments.get("at_risk", [])
                ],
                note=_("%(listed)s listed of %(total)s at risk, least learning first.")
                % {"listed": len(segments.get("at_risk", [])), "total": segments.get("at_risk_total", 0)},
            ),
        ]
        chart = bar_chart(_("Learners per segment"), [row[0] for row in rows], [row[1] for row in rows])
        return {"charts": [chart], "tables": tables}


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
