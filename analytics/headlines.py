"""The headline figures: what the overview's cards, the digests, the alerts and the targets
read from a snapshot's data, each with its unit, the sample it rests on and which way is
better. One list, so that a card, a digest line and an alert mean the same figure."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Headline:
    key: str
    label: str | Promise
    # pct (a share in %), seconds (a duration), int (a count), num, money
    kind: str
    path: tuple[str, ...]
    # The count the figure rests on, and what is counted; None for a count itself.
    sample: tuple[str, ...] | None
    unit: str | Promise
    # "up" when a higher figure is better, "down" when lower is, "" when neither.
    better: str = ""
    overall_only: bool = False

    @property
    def is_rate(self) -> bool:
        return self.kind == "pct"


TICKETS = pgettext_lazy("sample unit", "tickets")
HEADLINES = [
    Headline("created", _("Tickets created"), "int", ("volume", "created"), None, TICKETS),
    Headline(
        "resolution_rate",
        _("Resolution rate (of tickets created)"),
        "pct",
        ("volume", "resolution_rate"),
        ("volume", "created"),
        TICKETS,
        "up",
    ),
    Headline("backlog", _("Backlog at period end"), "int", ("volume", "backlog"), None, TICKETS, "down"),
    Headline(
        "first_response_median",
        _("Median first response"),
        "seconds",
        ("first_response", "median_seconds"),
        ("first_response", "count"),
        pgettext_lazy("sample unit", "first responses"),
        "down",
    ),
    Headline(
        "resolution_median",
        _("Median resolution time"),
        "seconds",
        ("resolution", "median_seconds"),
        ("resolution", "count"),
        pgettext_lazy("sample unit", "resolved tickets"),
        "down",
    ),
    Headline(
        "sla_met",
        _("SLA met (both targets)"),
        "pct",
        ("sla", "both_met"),
        ("sla", "resolution_tickets"),
        pgettext_lazy("sample unit", "resolved tickets"),
        "up",
    ),
    Headline(
        "csat",
        _("CSAT (share satisfied)"),
        "pct",
        ("csat", "score"),
        ("csat", "responses"),
        pgettext_lazy("sample unit", "ratings"),
        "up",
    ),
    Headline(
        "csat_mean",
        _("CSAT, mean rating (1–5)"),
        "num",
        ("csat", "mean"),
        ("csat", "responses"),
        pgettext_lazy("sample unit", "ratings"),
        "up",
    ),
    Headline(
        "escalation_rate",
        _("Escalation rate"),
        "pct",
        ("escalation", "rate"),
        ("escalation", "created"),
        TICKETS,
        "down",
    ),
    Headline(
        "automation_rate",
        _("Automation rate"),
        "pct",
        ("deflection", "automation"),
        ("deflection", "created"),
        TICKETS,
        "up",
    ),
    Headline(
        "nps",
        _("NPS"),
        "num",
        ("nps", "score"),
        ("nps", "responses"),
        pgettext_lazy("sample unit", "survey answers"),
        "up",
        overall_only=True,
    ),
    Headline(
        "churn_rate",
        _("Churn rate"),
        "pct",
        ("churn", "churn_rate"),
        ("churn", "active_at_start"),
        pgettext_lazy("sample unit", "customers"),
        "down",
        overall_only=True,
    ),
    Headline(
        "clv",
        _("Customer lifetime value (12 months)"),
        "money",
        ("clv", "clv"),
        ("clv", "customers"),
        pgettext_lazy("sample unit", "paying customers"),
        "up",
        overall_only=True,
    ),
]
HEADLINE_BY_KEY = {headline.key: headline for headline in HEADLINES}


def figure_at(data: dict | None, path: tuple[str, ...]) -> Any:
    """The figure at ``path`` in a snapshot's data, or None when any step is missing."""
    for name in path:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def min_sample() -> int:
    return settings.HELPDESK_REPORT_MIN_SAMPLE


def headline_figure(headline: Headline, now: dict | None, before: dict | None) -> dict[str, Any]:
    """One headline of a period against the period before: its value and sample size,
    whether the sample is too small to read, and the change (only when both periods have
    enough). A count is its own sample."""
    value, previous = figure_at(now, headline.path), figure_at(before, headline.path)
    sample = figure_at(now, headline.sample) if headline.sample else value
    previous_sample = figure_at(before, headline.sample) if headline.sample else previous
    floor = min_sample() if headline.sample else 0
    too_few = value is not None and (sample or 0) < floor
    comparable = (
        isinstance(value, int | float)
        and isinstance(previous, int | float)
        and not too_few
        and (previous_sample or 0) >= floor
    )
    return {
        "key": headline.key,
        "label": headline.label,
        "kind": headline.kind,
        "unit": headline.unit,
        "better": headline.better,
        "value": value,
        "previous": previous if comparable else None,
        "change": round(value - previous, 1) if comparable else None,
        "sample": sample,
        "previous_sample": previous_sample,
        "too_few": too_few,
    }


def headline_figures(now: dict | None, before: dict | None, *, overall: bool = True) -> list[dict[str, Any]]:
    return [headline_figure(headline, now, before) for headline in HEADLINES if overall or not headline.overall_only]
