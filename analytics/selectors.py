"""Reads of the report pages and the API: snapshots by period and dimension, and the
names of dimension values. Each function is one query (labels: one per dimension)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentTier, Course, User
from tickets.models import Category, Channel

from .headlines import HEADLINE_BY_KEY, figure_at
from .metrics.db import NONE_KEY
from .models import Dimension, Granularity, ReportRun, ReportSnapshot, ReportTarget
from .periods import ROLLING_DAYS, midnight, period_first_day, period_of, period_shift


@dataclass(frozen=True)
class ReportScope:
    """What a report page shows: periods of ``granularity`` from the one holding ``first``
    to the one holding ``last``, for one dimension value (or overall)."""

    granularity: str = Granularity.ROLLING
    first: date | None = None
    last: date | None = None
    dimension: str = Dimension.OVERALL
    key: str = ""

    @property
    def starts(self) -> tuple[datetime, datetime]:
        first = period_of(self.granularity, self.first).start
        last = period_of(self.granularity, self.last).start
        return first, last

    def previous_start(self, start: datetime) -> datetime:
        first_day = period_first_day(self.granularity, timezone.localtime(start).date())
        return period_of(self.granularity, period_shift(self.granularity, first_day, -1)).start


def snapshot_series(*, scope: ReportScope) -> list[ReportSnapshot]:
    """The snapshots of the scope's dimension value, oldest first, plus the one period
    before the first (for the change of the first period). One query."""
    first, last = scope.starts
    snapshots = ReportSnapshot.objects.filter(
        granularity=scope.granularity,
        dimension=scope.dimension,
        key=scope.key,
        start__gte=scope.previous_start(first),
        start__lte=last,
    )
    if scope.granularity == Granularity.ROLLING:
        # Only the windows counted back from today, not those of the days before.
        starts, start = [], scope.previous_start(first)
        while start <= last:
            starts.append(start)
            start = midnight(timezone.localtime(start).date() + timedelta(days=ROLLING_DAYS))
        snapshots = snapshots.filter(start__in=starts)
    return list(snapshots.order_by("start"))


def snapshot_breakdown(*, granularity: str, start: datetime, dimension: str) -> list[ReportSnapshot]:
    """Every value of ``dimension`` in one period. One query."""
    return list(
        ReportSnapshot.objects.filter(granularity=granularity, start=start, dimension=dimension).order_by("key")
    )


def snapshots_for_api(*, granularity: str, first: datetime, last: datetime, dimension: str) -> QuerySet[ReportSnapshot]:
    return ReportSnapshot.objects.filter(
        granularity=granularity, dimension=dimension, start__gte=first, start__lte=last
    ).order_by("start", "key")


def report_run_latest() -> ReportRun | None:
    return ReportRun.objects.filter(computed_at__isnull=False).order_by("-computed_at").first()


def dimension_labels(dimension: str, keys: set[str] | None = None) -> dict[str, str]:
    """Readable names of a dimension's values in the active language. At most one query;
    ``keys`` limits it to the values needed."""
    labels: dict[str, str] = {NONE_KEY: _("(none)")}
    ids = None if keys is None else [int(k) for k in keys if k.isdigit()]
    if dimension == Dimension.CHANNEL:
        labels.update({value: str(label) for value, label in Channel.choices})
    elif dimension == Dimension.TIER:
        labels.update({str(value): str(label) for value, label in AgentTier.choices})
    elif dimension == Dimension.CATEGORY:
        categories = Category.objects.all() if ids is None else Category.objects.filter(pk__in=ids)
        labels.update({str(category.pk): category.name for category in categories})
    elif dimension == Dimension.AGENT:
        # Agents through their profile (a few rows), not the role group (a join over every user).
        agents = (
            User.objects.filter(agent_profile__isnull=False) if ids is None else User.objects.filter(pk__in=ids)
        ).only("pk", "name", "email")
        labels.update({str(agent.pk): str(agent) for agent in agents})
    elif dimension == Dimension.COURSE:
        courses = Course.objects.all() if ids is None else Course.objects.filter(pk__in=ids)
        labels.update({str(course.pk): course.title for course in courses.only("pk", "title")})
    return labels


def dimension_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the dimension filter: ``("channel:web", "Web form")``..."""
    groups: list[tuple[str, list[tuple[str, str]]]] = [
        ("", [("overall", _("All tickets"))]),
    ]
    for dimension, label in Dimension.choices:
        if dimension == Dimension.OVERALL:
            continue
        names = dimension_labels(dimension)
        names.pop(NONE_KEY)
        groups.append((str(label), [(f"{dimension}:{key}", name) for key, name in names.items()]))
    return groups


def target_distances(data: dict | None) -> dict[str, dict]:
    """Each target against the figure in a snapshot's data: ``{figure key: {"target",
    "distance", "met"}}``, target and distance in the figure's unit (durations in seconds,
    shares in %). A figure without data has its target and no distance. One query."""
    result = {}
    for target in ReportTarget.objects.all():
        headline = HEADLINE_BY_KEY[target.metric]
        goal = target.value * 60 if headline.kind == "seconds" else target.value
        value = figure_at(data, headline.path)
        entry: dict = {"target": goal, "kind": headline.kind, "distance": None, "met": None}
        if isinstance(value, int | float):
            entry["met"] = value >= goal if headline.better == "up" else value <= goal
            entry["distance"] = round(abs(value - goal), 1)
        result[target.metric] = entry
    return result
