"""Metric definitions (docs/metrics.md), computed with database aggregates.

"No data" is ``None``: never 0, never an error.
"""

from .customers import churn, clv, cohort_retention, customers_by_course, repurchase
from .db import DIMENSION_FIELDS, DIMENSIONS, NO_FILTERS, Filters, Period
from .learners import learner_segments, learners_at_risk
from .tickets import (
    RESPONSE_CURVE_MINUTES,
    auto_answer_time,
    content_gaps,
    csat,
    csat_comments,
    deflection,
    escalation,
    first_response_time,
    help_center_deflection,
    nps,
    nps_comments,
    resolution_time,
    sla_compliance,
    volume,
)

__all__ = [
    "DIMENSIONS",
    "DIMENSION_FIELDS",
    "NO_FILTERS",
    "RESPONSE_CURVE_MINUTES",
    "Filters",
    "Period",
    "auto_answer_time",
    "churn",
    "clv",
    "cohort_retention",
    "customers_by_course",
    "csat",
    "csat_comments",
    "deflection",
    "escalation",
    "first_response_time",
    "content_gaps",
    "help_center_deflection",
    "learner_segments",
    "learners_at_risk",
    "nps",
    "nps_comments",
    "repurchase",
    "resolution_time",
    "sla_compliance",
    "volume",
]
