"""Ticket metrics: volume and backlog, first response and resolution times, SLA
compliance, escalation, deflection by auto-answer, CSAT and NPS.

Each function takes a ``Period``, optional ``Filters`` and optionally ``group_by`` (a
dimension name). Not grouped, it returns one result, or ``None`` when there is no data.
Grouped, it returns ``{dimension value: result}`` for the values that have data. See
docs/metrics.md for the definitions, which this module follows exactly.
"""

import math
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, StdDev
from django.db.models.functions import Greatest, Ln
from django.utils import timezone

from kb.gaps import content_gaps as kb_content_gaps
from kb.gaps import search_gaps
from kb.selectors import help_center_deflection as visits_deflection
from tickets.models import CSATResponse, NPSResponse, Status, Ticket, TicketEvent, TicketMessage

from .business_time import business_times
from .db import DIMENSION_FIELDS, NO_FILTERS, Filters, Period, SecondsBetween, finish, group_key, grouped, percentiles

# Thresholds of the P(response < t) curve, in minutes.
RESPONSE_CURVE_MINUTES = (5, 15, 30, 60, 120, 240, 480, 1440)
CSAT_SATISFIED_FROM = 4
NPS_PROMOTER_FROM = 9
NPS_DETRACTOR_UP_TO = 6
ESCALATED_EVENT = "tickets.ticket.escalated"
# The resolution rate also says how many of the period's tickets were resolved this fast.
RESOLVED_WITHIN = timedelta(hours=24)


def _pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def tickets_counted(filters: Filters = NO_FILTERS) -> Any:
    """The tickets every ticket metric reads: not merged into another (a merged ticket is
    a duplicate of its target), within the dimension filters."""
    return Ticket.objects.filter(merged_into__isnull=True).filter(filters.ticket_q())


def volume(*, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None) -> Any:
    """Tickets created and resolved in the period; the resolution rate, a true rate: of the
    tickets created in the period, the share resolved (by the time of computing) and the
    share resolved within ``RESOLVED_WITHIN``; the throughput ratio (resolved in the period /
    created in the period, which may exceed 100%); and the backlog at the period's end
    (created before it, not resolved before it)."""
    tickets = tickets_counted(filters)
    created = period.lookup("created_at")
    rows = grouped(
        tickets.filter(
            Q(created_at__lt=period.end)
            & (Q(created_at__gte=period.start) | Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.start))
        ),
        group_by,
        created=Count("pk", filter=created),
        resolved=Count("pk", filter=period.lookup("resolved_at")),
        backlog=Count("pk", filter=Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.end)),
        created_resolved=Count("pk", filter=created & Q(resolved_at__isnull=False)),
        created_resolved_fast=Count("pk", filter=created & Q(resolved_at__lt=F("created_at") + RESOLVED_WITHIN)),
    )

    def build(key: str | None, row: dict[str, Any]) -> dict | None:
        if not row or not (row["created"] or row["resolved"] or row["backlog"]):
            return None
        return {
            "created": row["created"],
            "resolved": row["resolved"],
            "backlog": row["backlog"],
            "created_resolved": row["created_resolved"],
            "resolution_rate": _pct(row["created_resolved"], row["created"]),
            "resolved_within_24h_rate": _pct(row["created_resolved_fast"], row["created"]),
            "throughput_ratio": _pct(row["resolved"], row["created"]),
        }

    return finish(rows, build, group_by)


def _lognormal_cdf(seconds: float, mu: float, sigma: float) -> float:
    """P(T < t) for ln T ~ N(μ, σ²)."""
    if sigma <= 0:
        return 1.0 if math.log(seconds) > mu else 0.0
    return 0.5 * (1.0 + math.erf((math.log(seconds) - mu) / (sigma * math.sqrt(2.0))))


# Times under a second count as one second in the log-normal fit (ln 0 is undefined).
LOG_FLOOR_SECONDS = 1.0


def _times(queryset: Any, value: Any, group_by: str | None, *, curve: bool) -> dict[str | None, dict]:
    annotated = queryset.annotate(seconds=value).filter(seconds__isnull=False)
    aggregates: dict[str, Any] = {
        "count": Count("pk"),
        "mean": Avg("seconds"),
        "deviation": StdDev("seconds"),
    }
    if curve:
        for minutes in RESPONSE_CURVE_MINUTES:
            aggregates[f"under_{minutes}"] = Count("pk", filter=Q(seconds__lt=minutes * 60))
        annotated = annotated.annotate(log_seconds=Ln(Greatest("seconds", LOG_FLOOR_SECONDS)))
        aggregates["log_mean"] = Avg("log_seconds")
        aggregates["log_deviation"] = StdDev("log_seconds")
    rows = grouped(annotated, group_by, **aggregates)
    ranks = percentiles(queryset, value, group_by)
    for key, row in rows.items():
        row["percentiles"] = ranks.get(key, {})
    return rows


def _time_result(row: dict[str, Any], *, curve: bool, business: dict | None = None) -> dict | None:
    if not row or not row["count"]:
        return None
    result: dict[str, Any] = {
        "count": row["count"],
        "mean_seconds": _seconds(row["mean"]),
        "median_seconds": _seconds(row["percentiles"].get(0.5)),
        "p90_seconds": _seconds(row["percentiles"].get(0.9)),
        "stddev_seconds": _seconds(row["deviation"]),
    }
    if business is not None:
        result["business"] = business
    if curve:
        mu, sigma = row["log_mean"], row["log_deviation"] or 0.0
        points = [
            {
                "minutes": minutes,
                "empirical": round(row[f"under_{minutes}"] / row["count"], 4),
                "lognormal": round(_lognormal_cdf(minutes * 60.0, mu, sigma), 4),
            }
            for minutes in RESPONSE_CURVE_MINUTES
        ]
        result["curve"] = points
        result["lognormal"] = {
            "mu": round(mu, 4),
            "sigma": round(sigma, 4),
            # Goodness of fit: the largest gap between the model and the observed share at
            # the curve's thresholds (a Kolmogorov–Smirnov distance on those points), in %.
            "max_gap_pct": round(100 * max(abs(p["empirical"] - p["lognormal"]) for p in points), 1),
        }
    return result


def first_response_time(*, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None) -> Any:
    """Seconds from creation to the first public reply by a person, over the tickets whose
    first response falls in the period; automatic replies never set ``first_responded_at``.
    Mean, median, p90, standard deviation and the P(response < t) curve, empirical beside
    the log-normal model Φ((ln t − μ)/σ), μ and σ the mean and standard deviation of the
    logarithms of the same times, with its largest gap to the observed curve. Under
    ``business``, the same times in business hours (``business_time``)."""
    tickets = tickets_counted(filters).filter(period.lookup("first_responded_at"))
    rows = _times(tickets, SecondsBetween("first_responded_at", "created_at"), group_by, curve=True)
    business = business_times(tickets, "created_at", "first_responded_at", group_by)
    return finish(rows, lambda key, row: _time_result(row, curve=True, business=business.get(key)), group_by)


def auto_answer_time(*, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None) -> Any:
    """Automatic answers, reported apart from first responses: seconds from creation to the
    automatic answer, over the tickets auto-answered in the period."""
    tickets = tickets_counted(filters).filter(period.lookup("auto_answered_at"))
    rows = _times(tickets, SecondsBetween("auto_answered_at", "created_at"), group_by, curve=False)
    return finish(rows, lambda key, row: _time_result(row, curve=False), group_by)


def resolution_time(*, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None) -> Any:
    """Seconds from creation to resolution, minus the time spent waiting on the customer
    (``sla_paused_minutes``), over the tickets resolved in the period. Under ``business``,
    the same in business hours (``business_time``)."""
    tickets = tickets_counted(filters).filter(period.lookup("resolved_at"))
    value = SecondsBetween("resolved_at", "created_at") - F("sla_paused_minutes") * 60.0
    rows = _times(tickets, value, group_by, curve=False)
    business = business_times(tickets, "created_at", "resolved_at", group_by, minus_paused=True)
    return finish(rows, lambda key, row: _time_result(row, curve=False, business=business.get(key)), group_by)


def sla_compliance(*, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None) -> Any:
    """Share of tickets that met their targets. First response: tickets first answered in
    the period that had a target, met when never marked breached. Resolution: tickets
    resolved in the period that had a target, met when never marked breached. Both: tickets
    resolved in the period with both targets, neither breached."""
    tickets = tickets_counted(filters).filter(period.lookup("first_responded_at") | period.lookup("resolved_at"))
    responded = period.lookup("first_responded_at") & Q(first_response_due_at__isnull=False)
    resolved = period.lookup("resolved_at") & Q(resolution_due_at__isnull=False)
    both = resolved & Q(first_response_due_at__isnull=False)
    rows = grouped(
        tickets,
        group_by,
        responded=Count("pk", filter=responded),
        responded_met=Count("pk", filter=responded & Q(first_response_breached_at__isnull=True)),
        resolved=Count("pk", filter=resolved),
        resolved_met=Count("pk", filter=resolved & Q(resolution_breached_at__isnull=True)),
        both=Count("pk", filter=both),
        both_met=Count(
            "pk", filter=both & Q(first_response_breached_at__isnull=True, resolution_breached_at__isnull=True)
        ),
    )

    def build(key: str | None, row: dict[str, Any]) -> dict | None:
        if not row or not (row["responded"] or row["resolved"]):
            return None
        return {
            "first_response_tickets": row["responded"],
            "first_response_met": _pct(row["responded_met"], row["responded"]),
            "resolution_tickets": row["resolved"],
            "resolution_met": _pct(row["resolved_met"], row["resolved"]),
            "both_met": _pct(row["both_met"], row["both"]),
        }

    return finish(rows, build, group_by)


def escalation(*, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None) -> Any:
    """Share of the tickets created in the period that reached tier 2 (``escalated_at`` set,
    by an agent or a rule), and the escalations made in the period counted by rule
    (``data.rule`` of the escalation event: manual, first_response_breach, complaint...)."""
    tickets = tickets_counted(filters).filter(period.lookup("created_at"))
    rows = grouped(tickets, group_by, created=Count("pk"), escalated=Count("pk", filter=Q(escalated_at__isnull=False)))
    events = TicketEvent.objects.filter(
        period.lookup("created_at"), type=ESCALATED_EVENT, ticket__merged_into__isnull=True
    ).filter(filters.ticket_q("ticket__"))
    counts: dict[str | None, dict[str, int]] = {}
    dimension = None if group_by is None else "ticket__" + DIMENSION_FIELDS[group_by]
    for row in events.order_by().values(*filter(None, ["data__rule", dimension])).annotate(n=Count("pk")):
        key = None if dimension is None else group_key(row[dimension])
        counts.setdefault(key, {})[row["data__rule"] or "unknown"] = row["n"]
        rows.setdefault(key, {"created": 0, "escalated": 0})

    def build(key: str | None, row: dict[str, Any]) -> dict | None:
        rules = counts.get(key, {})
        if not row.get("created") and not rules:
            return None
        return {
            "created": row.get("created") or 0,
            "escalated": row.get("escalated") or 0,
            "rate": _pct(row.get("escalated") or 0, row.get("created") or 0),
            "events": sum(rules.values()),
            "by_rule": dict(sorted(rules.items(), key=lambda item: (-item[1], item[0]))),
        }

    return finish(rows, build, group_by)


# An auto-answered ticket that neither the customer nor an agent touched for this long
# counts as resolved by the answer ("assumed"), as commercial AI agents count it.
ASSUMED_RESOLVED_AFTER = timedelta(hours=72)


def deflection(
    *, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None, as_of: datetime | None = None
) -> Any:
    """Deflection as involvement × resolution = automation, over the tickets created in
    the period (docs/metrics.md):

    - involvement: the share of them that got an automatic answer;
    - resolution: the share of those the answer resolved, *confirmed* (the customer's
      "this solved it", ``deflected_at``) or *assumed* (``ASSUMED_RESOLVED_AFTER`` passed by
      ``as_of`` with no customer message after the answer, no agent response and the ticket
      not back in the queue); a reopen undoes either;
    - automation: involvement × resolution, the share of all new tickets resolved by
      automation. ``awaiting``: answered less than 72 hours before ``as_of``, not yet decided.
    """
    as_of = as_of or timezone.now()
    replied = TicketMessage.objects.filter(
        ticket=OuterRef("pk"), from_customer=True, created_at__gt=OuterRef("auto_answered_at")
    )
    tickets = tickets_counted(filters).filter(period.lookup("created_at"))
    answered = Q(auto_answered_at__isnull=False)
    not_undone = answered & Q(reopen_count=0)
    confirmed = not_undone & Q(deflected_at__isnull=False)
    untouched = (
        not_undone
        & Q(deflected_at__isnull=True, first_responded_at__isnull=True)
        & ~Q(Exists(replied))
        & ~Q(status__in=[Status.NEW, Status.OPEN])
    )
    rows = grouped(
        tickets,
        group_by,
        created=Count("pk"),
        answered=Count("pk", filter=answered),
        confirmed=Count("pk", filter=confirmed),
        assumed=Count("pk", filter=untouched & Q(auto_answered_at__lte=as_of - ASSUMED_RESOLVED_AFTER)),
        awaiting=Count("pk", filter=untouched & Q(auto_answered_at__gt=as_of - ASSUMED_RESOLVED_AFTER)),
    )

    def build(key: str | None, row: dict[str, Any]) -> dict | None:
        if not row or not row["created"]:
            return None
        resolved = row["confirmed"] + row["assumed"]
        return {
            "created": row["created"],
            "auto_answered": row["answered"],
            "involvement": _pct(row["answered"], row["created"]),
            "confirmed": row["confirmed"],
            "assumed": row["assumed"],
            "awaiting": row["awaiting"],
            "resolved": resolved,
            "resolution": _pct(resolved, row["answered"]),
            "automation": _pct(resolved, row["created"]),
        }

    return finish(rows, build, group_by)


def help_center_deflection(*, period: Period) -> dict[str, Any] | None:
    """Help-center deflection: of the article visits in the period (a help-center view, or
    a ticket-form suggestion opened), the share after which the same visitor session sent
    no ticket within the knowledge base's deflection window; the same for suggestions
    alone. Counted by ``kb.selectors.help_center_deflection``; rates here in %. Overall
    only: a visit has no channel, category, tier or agent."""
    figures = visits_deflection(start=period.start, end=period.end)
    if not figures["article_views"]:
        return None
    return {
        "article_views": figures["article_views"],
        "views_deflected": figures["views_deflected"],
        "view_rate": _pct(figures["views_deflected"], figures["article_views"]),
        "suggestion_opens": figures["suggestion_opens"],
        "suggestions_deflected": figures["suggestions_deflected"],
        "suggestion_rate": _pct(figures["suggestions_deflected"], figures["suggestion_opens"]),
    }


def content_gaps(*, period: Period) -> dict[str, Any] | None:
    """The questions of the period's tickets that no article answers, grouped into topics,
    and under ``searches`` the help-center searches that opened no article, grouped the
    same way (``kb.gaps``); overall only. None when there was neither a ticket nor a search."""
    gaps = kb_content_gaps(start=period.start, end=period.end) or {}
    searches = search_gaps(start=period.start, end=period.end)
    if searches:
        gaps["searches"] = searches
    return gaps or None


LATEST_COMMENTS = 10


def csat(*, period: Period, filters: Filters = NO_FILTERS, group_by: str | None = None) -> Any:
    """CSAT: share of the ratings given in the period that are 4 or 5 (of 5), in %, the
    mean rating on 1–5 and the distribution of ratings 1–5. A 3 is not satisfied."""
    responses = CSATResponse.objects.filter(period.lookup("created_at"), ticket__merged_into__isnull=True).filter(
        filters.ticket_q("ticket__")
    )
    aggregates: dict[str, Any] = {
        "count": Count("pk"),
        "satisfied": Count("pk", filter=Q(rating__gte=CSAT_SATISFIED_FROM)),
        "mean": Avg("rating"),
    }
    for rating in range(1, 6):
        aggregates[f"r{rating}"] = Count("pk", filter=Q(rating=rating))
    rows = grouped(responses, group_by, "ticket__", **aggregates)

    def build(key: str | None, row: dict[str, Any]) -> dict | None:
        if not row or not row["count"]:
            return None
        return {
            "responses": row["count"],
            "satisfied": row["satisfied"],
            "score": _pct(row["satisfied"], row["count"]),
            "mean": round(row["mean"], 2),
            "distribution": {str(rating): row[f"r{rating}"] for rating in range(1, 6)},
        }

    return finish(rows, build, group_by)


def csat_comments(*, period: Period, filters: Filters = NO_FILTERS, limit: int = LATEST_COMMENTS) -> list[dict]:
    """The latest CSAT comments given in the period (newest first)."""
    rows = (
        CSATResponse.objects.filter(period.lookup("created_at"), ticket__merged_into__isnull=True)
        .filter(filters.ticket_q("ticket__"))
        .exclude(comment="")
        .order_by("-created_at", "-pk")
        .values("ticket_id", "rating", "comment", "created_at")[:limit]
    )
    return [{**row, "created_at": row["created_at"].isoformat()} for row in rows]


def nps(*, period: Period) -> dict | None:
    """NPS: % promoters (9–10) − % detractors (0–6) among the surveys answered in the
    period, from −100 to 100, with the distribution of scores 0–10. A 6 is a detractor, 7
    and 8 are passive. NPS is asked of customers, not about tickets: no dimension applies."""
    aggregates: dict[str, Any] = {
        "count": Count("pk"),
        "promoters": Count("pk", filter=Q(score__gte=NPS_PROMOTER_FROM)),
        "detractors": Count("pk", filter=Q(score__lte=NPS_DETRACTOR_UP_TO)),
    }
    for score in range(11):
        aggregates[f"s{score}"] = Count("pk", filter=Q(score=score))
    row = NPSResponse.objects.filter(period.lookup("answered_at"), score__isnull=False).aggregate(**aggregates)
    if not row["count"]:
        return None
    passives = row["count"] - row["promoters"] - row["detractors"]
    return {
        "responses": row["count"],
        "promoters": row["promoters"],
        "passives": passives,
        "detractors": row["detractors"],
        "score": round(100.0 * (row["promoters"] - row["detractors"]) / row["count"], 1),
        "distribution": {str(score): row[f"s{score}"] for score in range(11)},
    }


def nps_comments(*, period: Period, limit: int = LATEST_COMMENTS) -> list[dict]:
    """The latest NPS comments answered in the period (newest first)."""
    rows = (
        NPSResponse.objects.filter(period.lookup("answered_at"), score__isnull=False)
        .exclude(comment="")
        .order_by("-answered_at", "-pk")
        .values("customer_id", "score", "comment", "answered_at")[:limit]
    )
    return [{**row, "answered_at": row["answered_at"].isoformat()} for row in rows]
