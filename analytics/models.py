"""Report snapshots: the metrics of one period (a day, a week or a month) for one value of
one dimension, computed by Celery and read by the report pages and the API.

``ReportRun`` is the watermark of each computed period (Zulip's ``FillState``): when it was
last computed, how long it took, and the database lock that keeps two workers from
computing the same period at once when there is no Redis.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Granularity(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class Dimension(models.TextChoices):
    OVERALL = "overall", _("Overall")
    CHANNEL = "channel", _("Channel")
    CATEGORY = "category", _("Category")
    TIER = "tier", _("Tier")
    AGENT = "agent", _("Agent")
    COURSE = "course", _("Course")


class ReportSnapshot(models.Model):
    granularity = models.CharField(_("granularity"), max_length=5, choices=Granularity.choices)
    start = models.DateTimeField(_("period start"))
    end = models.DateTimeField(_("period end"))
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices, default=Dimension.OVERALL)
    key = models.CharField(
        _("dimension value"),
        max_length=64,
        blank=True,
        help_text=_("Empty for the overall figures; else the channel, category id, tier, agent id or course id."),
    )
    data = models.JSONField(_("metrics"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["granularity", "-start", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["granularity", "start", "dimension", "key"], name="snapshot_unique_period_key"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="snapshot_end_after_start"),
            models.CheckConstraint(
                condition=Q(dimension="overall", key="") | (~Q(dimension="overall") & ~Q(key="")),
                name="snapshot_key_only_for_dimensions",
            ),
        ]
        indexes = [models.Index(fields=["granularity", "dimension", "start"], name="snapshot_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.granularity} {self.start:%Y-%m-%d} {self.dimension} {self.key}".rstrip()


class ReportRun(models.Model):
    granularity = models.CharField(_("granularity"), max_length=5, choices=Granularity.choices)
    start = models.DateTimeField(_("period start"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    locked_by = models.CharField(_("locked by"), max_length=32, blank=True, default="")
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["granularity", "-start"]
        constraints = [models.UniqueConstraint(fields=["granularity", "start"], name="report_run_unique_period")]

    def __str__(self) -> str:
        return f"{self.granularity} {self.start:%Y-%m-%d}"
