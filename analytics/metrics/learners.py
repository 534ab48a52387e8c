"""Learner segments: k-means (scikit-learn) on each learner's learning minutes per week,
sessions per week and completion rate over the four weeks before a date.

The features are aggregated per customer in the database; only one row per learner (three
numbers) reaches Python, which is what k-means needs.
"""

from datetime import datetime, timedelta
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
SEGMENT_KEYS = ("at_risk", "casual", "engaged")


def learner_features(*, end: datetime, course: int | None = None) -> list[dict[str, Any]]:
    """One row per customer enrolled before ``end``: minutes and sessions per week over the
    ``SEGMENT_WEEKS`` weeks before ``end`` and the share of their enrollments completed."""
    last_day = timezone.localtime(end).date() - timedelta(days=1)
    first_day = last_day - timedelta(weeks=SEGMENT_WEEKS) + timedelta(days=1)
    # Join only the window's activity rows (not every day of every enrollment).
    enrollments = Enrollment.objects.filter(enrolled_at__lt=end).annotate(
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


def learner_segments(*, end: datetime, course: int | None = None, listed: int = AT_RISK_LISTED) -> dict | None:
    """Cluster the learners in ``SEGMENT_COUNT`` segments with k-means on standardised
    features; the cluster with the fewest minutes per week is "at risk". Returns each
    segment's size and centre and the at-risk learners (least minutes first, at most
    ``listed``). Fewer learners than segments: no data."""
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
    # Fewer distinct learners than segments: two clusters are "at risk" and "engaged"; one
    # (everyone learns alike) is nobody at risk.
    keys = {3: SEGMENT_KEYS, 2: ("at_risk", "engaged"), 1: ("casual",)}[clusters]
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
    at_risk_cluster = order[0] if keys[0] == "at_risk" else None
    at_risk = [learner for learner, label in zip(learners, labels, strict=True) if label == at_risk_cluster]
    at_risk.sort(
        key=lambda learner: (learner["minutes_per_week"], learner["sessions_per_week"], learner["customer_id"])
    )
    return {
        "learners": len(learners),
        "weeks": SEGMENT_WEEKS,
        "segments": segments,
        "at_risk_total": len(at_risk),
        "at_risk": at_risk[:listed],
    }
