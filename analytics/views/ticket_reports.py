"""Report pages on tickets: overview, satisfaction, times and SLA, volume, escalations,
deflection and the agents' leaderboard (see ``reports`` for what every page shares)."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from helpdesk.selectors import heartbeat_is_stale, heartbeat_latest
from kb.gaps import UNANSWERED_BELOW
from tickets.services.escalation import EscalationRule

from ..charts import bar_chart, line_chart
from ..headlines import headline_figures
from ..metrics import RESPONSE_CURVE_MINUTES
from ..models import Dimension
from ..selectors import target_distances
from .reports import ReportPageView, snapshot_figure
from .tables import Cell, Column, Table


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


class OverviewView(ReportPageView):
    page = "overview"
    title = gettext_lazy("Business overview")

    def build(self) -> dict[str, Any]:
        now = self.current.data if self.current else None
        kpis = headline_figures(now, self.previous_data, overall=self.scope.dimension == Dimension.OVERALL)
        kpis = [kpi for kpi in kpis if kpi["key"] != "csat_mean"]
        distances = target_distances(now) if self.scope.dimension == Dimension.OVERALL else {}
        for kpi in kpis:
            kpi["target"] = distances.get(kpi["key"])
        table = Table(
            name="kpis",
            title=_("Key figures"),
            columns=[
                Column(_("Metric")),
                Column(_("This period"), "num"),
                Column(_("Sample size"), "int"),
                Column(_("Previous period"), "num"),
                Column(pgettext("difference from the previous period", "Change"), "num"),
            ],
            rows=[
                [
                    k["label"],
                    Cell(k["value"], k["kind"]),
                    k["sample"],
                    Cell(k["previous"], k["kind"]),
                    Cell(k["change"], k["kind"], change=True),
                ]
                for k in kpis
            ],
            note=_(
                "Shares in %%, changes of shares in percentage points; a figure resting on fewer than %(count)s "
                "answers or tickets is not compared. CSV: durations in minutes."
            )
            % {"count": settings.HELPDESK_REPORT_MIN_SAMPLE},
        )
        chart = line_chart(
            _("Tickets created and resolved"),
            self.labels(),
            [
                (pgettext("count of tickets", "Created"), self.trend("volume", "created")),
                (_("Resolved"), self.trend("volume", "resolved")),
            ],
            integer=True,
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
                (Column(_("CSAT (share satisfied)"), "pct"), ("csat", "score")),
                (Column(_("CSAT, mean rating (1–5)"), "num"), ("csat", "mean")),
                (Column(_("NPS answers"), "int"), ("nps", "responses")),
                (Column(_("NPS"), "num"), ("nps", "score")),
            ],
            note=_(
                "CSAT: share of ratings of 4 or 5. NPS is asked of customers, not about tickets: it is shown for "
                "all tickets only."
            ),
        )
        now = self.current.data if self.current else {}
        csat_distribution = snapshot_figure(now, "csat", "distribution") or {}
        nps_distribution = snapshot_figure(now, "nps", "distribution") or {}
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
                    for c in snapshot_figure(now, "csat_comments") or []
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
                    for c in snapshot_figure(now, "nps_comments") or []
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
            Column(_("First responses"), "int"),
            Column(_("First response, median"), "seconds"),
            Column(_("First response, mean"), "seconds"),
            Column(_("First response, p90"), "seconds"),
            Column(_("First response in business hours, median"), "seconds"),
            Column(_("Resolved tickets"), "int"),
            Column(_("Resolution, median"), "seconds"),
            Column(_("Resolution, mean"), "seconds"),
            Column(_("Resolution, p90"), "seconds"),
            Column(_("Resolution in business hours, median"), "seconds"),
            Column(_("SLA first response met"), "pct"),
            Column(_("SLA resolution met"), "pct"),
        ]

        def cells(data: dict) -> list[Any]:
            return [
                snapshot_figure(data, "first_response", "count"),
                snapshot_figure(data, "first_response", "median_seconds"),
                snapshot_figure(data, "first_response", "mean_seconds"),
                snapshot_figure(data, "first_response", "p90_seconds"),
                snapshot_figure(data, "first_response", "business", "median_seconds"),
                snapshot_figure(data, "resolution", "count"),
                snapshot_figure(data, "resolution", "median_seconds"),
                snapshot_figure(data, "resolution", "mean_seconds"),
                snapshot_figure(data, "resolution", "p90_seconds"),
                snapshot_figure(data, "resolution", "business", "median_seconds"),
                snapshot_figure(data, "sla", "first_response_met"),
                snapshot_figure(data, "sla", "resolution_met"),
            ]

        tables = [
            Table(
                name="trend",
                title=_("Times by period"),
                columns=[Column(_("Period")), *time_columns],
                rows=[[label, *cells(s.data)] for label, s in zip(self.labels(), self.series, strict=True)],
                note=_(
                    "Resolution time excludes time spent waiting on the customer. Business hours: the SLA "
                    "calendar of each ticket's priority (public holidays and make-up working days included). "
                    "CSV: minutes."
                ),
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
        first_response = snapshot_figure(self.current.data if self.current else None, "first_response") or {}
        curve = first_response.get("curve") or []
        fit = first_response.get("lognormal") or {}
        tables.append(
            Table(
                name="response-curve",
                title=_("Share answered within t, latest period"),
                columns=[
                    Column(_("Within (minutes)"), "int"),
                    Column(_("Observed"), "pct"),
                    Column(_("Log-normal model"), "pct"),
                ],
                rows=[[p["minutes"], round(100 * p["empirical"], 1), round(100 * p["lognormal"], 1)] for p in curve],
                note=_(
                    "Log-normal model: Φ((ln t − μ)/σ), μ and σ the mean and standard deviation of the logarithms "
                    "of the same %(count)s first responses (μ = %(mu)s, σ = %(sigma)s). Fit: at most %(gap)s "
                    "percentage points from the observed share at these thresholds."
                )
                % {
                    "count": first_response.get("count", 0),
                    "mu": fit.get("mu", "–"),
                    "sigma": fit.get("sigma", "–"),
                    "gap": fit.get("max_gap_pct", "–"),
                }
                if fit
                else "",
            )
        )
        thresholds = [_("%(minutes)s min") % {"minutes": m} for m in RESPONSE_CURVE_MINUTES]
        charts = [
            line_chart(
                _("P(first response < t): observed and log-normal model (%)"),
                thresholds if curve else [],
                [
                    (_("Observed"), [round(100 * p["empirical"], 1) for p in curve]),
                    (_("Log-normal model"), [round(100 * p["lognormal"], 1) for p in curve]),
                ],
                y_max=100,
            ),
            line_chart(
                _("Median times (minutes)"),
                self.labels(),
                [
                    (_("First response"), [_minutes(v) for v in self.trend("first_response", "median_seconds")]),
                    (
                        pgettext("duration", "Resolution"),
                        [_minutes(v) for v in self.trend("resolution", "median_seconds")],
                    ),
                ],
            ),
        ]
        return {"charts": charts, "tables": tables}


class VolumeView(ReportPageView):
    page = "volume"
    title = gettext_lazy("Volume and backlog")

    def build(self) -> dict[str, Any]:
        columns = [
            Column(pgettext("count of tickets", "Created"), "int"),
            Column(_("Resolved in the period"), "int"),
            Column(_("Resolution rate (of tickets created)"), "pct"),
            Column(_("Resolved within 24 h (of tickets created)"), "pct"),
            Column(_("Throughput ratio (resolved / created)"), "pct"),
            Column(_("Backlog at period end"), "int"),
        ]
        names = ("created", "resolved", "resolution_rate", "resolved_within_24h_rate", "throughput_ratio", "backlog")

        def cells(data: dict) -> list[Any]:
            return [snapshot_figure(data, "volume", name) for name in names]

        tables = [
            Table(
                name="trend",
                title=_("Volume by period"),
                columns=[Column(_("Period")), *columns],
                rows=[[label, *cells(s.data)] for label, s in zip(self.labels(), self.series, strict=True)],
                note=_(
                    "Resolution rate: of the tickets created in the period, the share resolved so far. The "
                    "throughput ratio compares tickets resolved in the period (whenever created) with those created "
                    "in it, and may exceed 100%."
                ),
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
                (pgettext("count of tickets", "Created"), self.trend("volume", "created")),
                (_("Resolved"), self.trend("volume", "resolved")),
                (_("Backlog"), self.trend("volume", "backlog")),
            ],
            integer=True,
        )
        return {"charts": [chart], "tables": tables}


class EscalationsView(ReportPageView):
    page = "escalations"
    title = gettext_lazy("Escalations")

    def build(self) -> dict[str, Any]:
        rules = {value: str(label) for value, label in EscalationRule.choices}
        by_rule = snapshot_figure(self.current.data if self.current else None, "escalation", "by_rule") or {}
        columns = [
            Column(_("Tickets created"), "int"),
            Column(_("Reached tier 2"), "int"),
            Column(_("Escalation rate"), "pct"),
        ]

        def cells(data: dict) -> list[Any]:
            return [snapshot_figure(data, "escalation", name) for name in ("created", "escalated", "rate")]

        tables = [
            Table(
                name="trend",
                title=_("Escalations tier 1 → tier 2 by period"),
                columns=[Column(_("Period")), *columns, Column(_("Escalations made"), "int")],
                rows=[
                    [label, *cells(s.data), snapshot_figure(s.data, "escalation", "events")]
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


def _resolution_label() -> str:
    return pgettext("share of auto-answered tickets resolved", "Resolution")


class DeflectionView(ReportPageView):
    page = "deflection"
    title = gettext_lazy("Deflection")

    def build(self) -> dict[str, Any]:
        table = self.trend_table(
            name="trend",
            title=_("Automatic answers, by period"),
            fields=[
                (Column(_("Tickets created"), "int"), ("deflection", "created")),
                (Column(_("Auto-answered"), "int"), ("deflection", "auto_answered")),
                (Column(_("Involvement"), "pct"), ("deflection", "involvement")),
                (Column(_("Confirmed solved"), "int"), ("deflection", "confirmed")),
                (Column(_("Assumed solved (72 h)"), "int"), ("deflection", "assumed")),
                (Column(_("Awaiting (under 72 h)"), "int"), ("deflection", "awaiting")),
                (
                    Column(_resolution_label(), "pct"),
                    ("deflection", "resolution"),
                ),
                (Column(_("Automation rate"), "pct"), ("deflection", "automation")),
                (Column(_("Auto-answer time, median"), "seconds"), ("auto_answer", "median_seconds")),
            ],
            note=_(
                "Involvement: the share of new tickets that got an automatic answer. Resolution: the share of "
                "those the answer resolved, confirmed by the customer (“solved”) or assumed when 72 hours passed "
                "without a reply from the customer or an agent; a reopen undoes either. Automation rate = "
                "involvement × resolution: the share of all new tickets resolved by automation."
            ),
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
            _("Automatic answers (%)"),
            self.labels(),
            [
                (_("Involvement"), self.trend("deflection", "involvement")),
                (
                    _resolution_label(),
                    self.trend("deflection", "resolution"),
                ),
                (_("Automation rate"), self.trend("deflection", "automation")),
                (_("View deflection rate"), self.trend("help_center", "view_rate")),
            ],
            y_max=100,
        )
        gaps = snapshot_figure(self.current.data if self.current else None, "content_gaps") or {}
        unanswered = Table(
            name="content-gaps",
            title=_("Questions no article answers, latest period"),
            columns=[
                Column(_("Topic (a question of it)")),
                Column(_("Questions"), "int"),
                Column(_("Other questions of the topic")),
                Column(_("Best article match (cosine)"), "num"),
            ],
            rows=[
                [topic["title"], topic["questions"], " · ".join(topic["examples"]), topic["closeness"]]
                for topic in gaps.get("topics", [])
            ],
            note=(
                _(
                    "%(unanswered)s of the latest %(tickets)s tickets of the period match no public article closely "
                    "in meaning (cosine similarity below %(threshold)s): write an article for the biggest topics first."
                )
                % {"unanswered": gaps["unanswered"], "tickets": gaps["tickets"], "threshold": UNANSWERED_BELOW}
                if "unanswered" in gaps
                else ""
            ),
        )
        searched = gaps.get("searches") or {}
        searches = Table(
            name="search-gaps",
            title=_("Help-center searches that opened no article, latest period"),
            columns=[
                Column(_("Topic (its most frequent search)")),
                Column(_("Searches"), "int"),
                Column(_("Of which without any result"), "int"),
                Column(_("Other searches of the topic")),
            ],
            rows=[
                [topic["title"], topic["searches"], topic["without_result"], " · ".join(topic["examples"])]
                for topic in searched.get("topics", [])
            ],
            note=(
                _(
                    "%(without_click)s of the period's %(searches)s help-center searches opened no article "
                    "(%(without_result)s found none). Grouped by meaning: the %(unanswered)s of %(texts)s distinct "
                    "search texts none of whose searches opened an article."
                )
                % {
                    "without_click": searched["without_click"],
                    "searches": searched["searches"],
                    "without_result": searched["without_result"],
                    "unanswered": searched["unanswered_texts"],
                    "texts": searched["texts"],
                }
                if searched
                else ""
            ),
        )
        return {"charts": [chart], "tables": [table, help_center, unanswered, searches]}


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
                    snapshot_figure(data, "volume", "resolved") or 0,
                    snapshot_figure(data, "first_response", "count"),
                    snapshot_figure(data, "first_response", "median_seconds"),
                    snapshot_figure(data, "resolution", "median_seconds"),
                    snapshot_figure(data, "csat", "score"),
                    snapshot_figure(data, "csat", "responses"),
                    snapshot_figure(data, "sla", "both_met"),
                    snapshot_figure(data, "volume", "backlog"),
                ]
            )
        rows.sort(key=lambda row: (-row[1], str(row[0])))
        table = Table(
            name="leaderboard",
            title=_("Agents, latest period"),
            columns=[
                Column(_("Agent")),
                Column(_("Resolved"), "int"),
                Column(_("First responses"), "int"),
                Column(_("First response, median"), "seconds"),
                Column(_("Resolution, median"), "seconds"),
                Column(_("CSAT (share satisfied)"), "pct"),
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
