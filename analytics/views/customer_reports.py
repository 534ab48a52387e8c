"""Report pages on customers: churn, retention, repurchase and CLV (overall and per
course), cohorts, and learner segments (see ``reports`` for what every page shares)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..charts import bar_chart, line_chart
from ..models import Dimension
from .reports import ReportPageView, snapshot_figure
from .tables import Column, Table

SEGMENT_LABELS = {
    "low": gettext_lazy("Low engagement"),
    "casual": gettext_lazy("Casual"),
    "engaged": gettext_lazy("Engaged"),
}


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
                (Column(_("Orders a year per customer"), "num"), ("clv", "purchase_frequency")),
                (Column(_("Lifespan (years)"), "num"), ("clv", "lifespan_years")),
                (Column(_("CLV (12 months)"), "money"), ("clv", "clv")),
            ],
            note=_(
                "A customer is active while holding paid access or having bought within the last 30 days "
                "(or the period's length, if longer). CLV reads the 12 months to the period's end, whatever the "
                "period: average order value × orders a year per customer × lifespan (1 / the year's churn)."
            ),
        )
        cohorts = snapshot_figure(self.current.data if self.current else None, "cohorts") or []
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
            (Column(_("Revenue, 12 months"), "money"), ("clv", "revenue")),
            (Column(_("Average order value"), "money"), ("clv", "average_order_value")),
            (Column(_("CLV (12 months)"), "money"), ("clv", "clv")),
        ]
        rows = [
            [name, *(snapshot_figure(snapshot.data, *path) for _column, path in fields)]
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
        segments = snapshot_figure(self.current.data if self.current else None, "segments") or {}
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
                    Column(_("Minutes per week, before"), "num"),
                    Column(_("Minutes per week, last 2 weeks"), "num"),
                    Column(_("Drop"), "pct"),
                ],
                rows=[
                    [
                        (learner["name"], reverse("desk:customer-detail", args=[learner["customer_id"]])),
                        learner["earlier_minutes_per_week"],
                        learner["recent_minutes_per_week"],
                        learner["drop_pct"],
                    ]
                    for learner in segments.get("at_risk", [])
                ],
                note=_(
                    "%(total)s of %(learners)s learners with an active enrollment and a learning habit (at least "
                    "30 minutes a week in the six weeks before) learnt less than half as much in the last two "
                    "weeks; %(listed)s listed, largest drop first."
                )
                % {
                    "listed": len(segments.get("at_risk", [])),
                    "total": segments.get("at_risk_total", 0),
                    "learners": segments.get("with_pattern", 0),
                },
            ),
        ]
        chart = bar_chart(_("Learners per segment"), [row[0] for row in rows], [row[1] for row in rows])
        return {"charts": [chart], "tables": tables}
