"""Learner segments: k-means (scikit-learn) on each learner's learning minutes per week,
sessions per week and completion rate over the four weeks before a date; and the at-risk
learners: those with an active enrollment whose recent learning dropped well below their
own earlier pattern.

The features are aggregated per customer in the database; only one row per learner (three
numbers) reaches Python, which is what k-means needs. Every window ends at the period's end
or now, whichever is earlier: never a window in the future.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Enrollment

SEGMENT_WEEKS = 4
SEGMENT_COUNT = 3
AT_RISK_LISTED = 50
# k-means restarts from this many seeds and keeps the best: 3 costs ~0.9 s on 70,000
# learners here, 10 (scikit-learn's old default) ~5 s, for the same segments on this data.
KMEANS_RUNS = 3
DISTINCT_CHECK_UP_TO = 10_000
# Segment names, from the least to the most engaged cluster (ordered by minutes per week).
SEGMENT_KEYS = ("low", "casual", "engaged")
# At risk: recent learning (the last RECENT_DAYS) below DROP_BELOW of the learner's own
# weekly average over the EARLIER_DAYS before, for learners who learnt at least
# EARLIER_MIN_MINUTES a week then (a learner who never learnt much has no pattern to drop from).
RECENT_DAYS = 14
EARLIER_DAYS = 42
DROP_BELOW = 0.5
EARLIER_MIN_MINUTES = 30


def _last_day(end: datetime) -> date:
    """The last whole or current local day before ``end``, never after today."""
    return min(timezone.localtime(end).date() - timedelta(days=1), timezone.localdate())


def learner_features(*, end: datetime, course: int | None = None) -> list[dict[str, Any]]:
    """One row per customer enrolled before ``end``: minutes and sessions per week over the
    ``SEGMENT_WEEKS`` weeks before ``end`` and the share of their enrollments completed."""
    last_day = _last_day(end)
    first_day = last_day - timedelta(weeks=SEGMENT_WEEKS) + timedelta(days=1)
    # Join only the window's activity rows (not every day of every enrollment).
    enrollments = Enrollment.objects.filter(enrolled_at__lt=min(end, timezone.now())).annotate(
        recent=FilteredRelation(
            "activities", condition=Q(activities__day__gte=first_day, activities__day__lte=last_day)
        )
    )
    if course is not None:
        enrollments = enrollments.filter(course_id=course)
    rows = (
        enrollments.order_by()
        .values("customer_id", "customer__name", "customer__email")
        .annotate(
            minutes=Coalesce(Sum("recent__minutes"), 0),
            sessions=Coalesce(Sum("recent__sessions"), 0),
            enrollments=Count("pk", distinct=True),
            completed=Count("pk", distinct=True, filter=Q(completed_at__isnull=False, completed_at__lt=end)),
        )
        .order_by("customer_id")
    )
    return [
        {
            "customer_id": row["customer_id"],
            "name": row["customer__name"] or row["customer__email"],
            "minutes_per_week": round(row["minutes"] / SEGMENT_WEEKS, 1),
            "sessions_per_week": round(row["sessions"] / SEGMENT_WEEKS, 2),
            "completion_rate": round(100.0 * row["completed"] / row["enrollments"], 1),
        }
        for row in rows
    ]


def learners_at_risk(*, end: datetime, course: int | None = None) -> tuple[int, int, list[dict[str, Any]]]:
    """Learners with an active enrollment (not completed, enrolled before the earlier
    window) whose minutes per week over the last ``RECENT_DAYS`` fell below ``DROP_BELOW``
    of their own weekly average over the ``EARLIER_DAYS`` before, having learnt at least
    ``EARLIER_MIN_MINUTES`` a week then. Returns (learners with an earlier pattern, at-risk
    count, at-risk learners: the largest drop first). One query."""
    last_day = _last_day(end)
    recent_first = last_day - timedelta(days=RECENT_DAYS - 1)
    earlier_first = recent_first - timedelta(days=EARLIER_DAYS)
    started = timezone.make_aware(datetime.combine(earlier_first, datetime.min.time()))
    enrollments = Enrollment.objects.filter(
        Q(completed_at__isnull=True) | Q(completed_at__gte=min(end, timezone.now())), enrolled_at__lt=started
    ).annotate(
        window=FilteredRelation(
            "activities", condition=Q(activities__day__gte=earlier_first, activities__day__lte=last_day)
        )
    )
    if course is not None:
        enrollments = enrollments.filter(course_id=course)
    rows = (
        enrollments.order_by()
        .values("customer_id", "customer__name", "customer__email")
        .annotate(
            recent=Coalesce(Sum("window__minutes", filter=Q(window__day__gte=recent_first)), 0),
            earlier=Coalesce(Sum("window__minutes", filter=Q(window__day__lt=recent_first)), 0),
        )
        .filter(earlier__gte=EARLIER_MIN_MINUTES * EARLIER_DAYS / 7)
        .order_by("customer_id")
    )
    with_pattern = 0
    at_risk = []
    for row in rows:
        with_pattern += 1
        earlier = row["earlier"] * 7 / EARLIER_DAYS
        recent_week = row["recent"] * 7 / RECENT_DAYS
        if recent_week < DROP_BELOW * earlier:
            at_risk.append(
                {
                    "customer_id": row["customer_id"],
                    "name": row["customer__name"] or row["customer__email"],
                    "earlier_minutes_per_week": round(earlier, 1),
                    "recent_minutes_per_week": round(recent_week, 1),
                    "drop_pct": round(100 * (1 - recent_week / earlier), 1),
                }
            )
    at_risk.sort(
        key=lambda learner: (-learner["drop_pct"], -learner["earlier_minutes_per_week"], learner["customer_id"])
    )
    return with_pattern, len(at_risk), at_risk


def learner_segments(*, end: datetime, course: int | None = None, listed: int = AT_RISK_LISTED) -> dict | None:
    """Cluster the learners in ``SEGMENT_COUNT`` segments with k-means on standardised
    features (named by minutes per week: low, casual, engaged), and list the learners at
    risk (``learners_at_risk``; the largest drop first, at most ``listed``). Returns each
    segment's size and centre. Fewer learners than segments: no data."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    learners = learner_features(end=end, course=course)
    if len(learners) < SEGMENT_COUNT:
        return None
    names = ("minutes_per_week", "sessions_per_week", "completion_rate")
    matrix = np.array([[learner[name] for name in names] for learner in learners], dtype=float)
    scaled = StandardScaler().fit_transform(matrix)
    # k-means needs as many distinct points as clusters; only a small population can lack them
    # (np.unique costs ~0.5 s on 100,000 learners, so large ones skip the check).
    distinct = len(np.unique(scaled, axis=0)) if len(learners) <= DISTINCT_CHECK_UP_TO else SEGMENT_COUNT
    clusters = min(SEGMENT_COUNT, distinct)
    labels = KMeans(n_clusters=clusters, n_init=KMEANS_RUNS, random_state=0).fit_predict(scaled)
    order = sorted(range(clusters), key=lambda c: (matrix[labels == c, 0].mean(), matrix[labels == c, 1].mean()))
    # Fewer distinct learners than segments: two clusters are "low" and "engaged"; one
    # (everyone learns alike) is "casual".
    keys = {3: SEGMENT_KEYS, 2: ("low", "engaged"), 1: ("casual",)}[clusters]
    segments = []
    for rank, cluster in enumerate(order):
        members = matrix[labels == cluster]
        segments.append(
            {
                "key": keys[rank],
                "learners": int(len(members)),
                **{name: round(float(members[:, i].mean()), 2) for i, name in enumerate(names)},
            }
        )
    with_pattern, at_risk_total, at_risk = learners_at_risk(end=end, course=course)
    return {
        "learners": len(learners),
        "weeks": SEGMENT_WEEKS,
        "segments": segments,
        "with_pattern": with_pattern,
        "at_risk_total": at_risk_total,
        "at_risk": at_risk[:listed],
    }
