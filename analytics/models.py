"""Report snapshots: the metrics of one period (a day, a week or a month) for one value of
one dimension, computed by Celery and read by the report pages and the API.

``ReportRun`` is the watermark of each computed period (Zulip's ``FillState``): when it was
last computed, how long it took, and the database lock that keeps two workers from
computing the same period at once when there is no Redis.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Granularity(models.TextChoices):
    # The default of the pages: the 30 whole days before today, against the 30 before those.
    ROLLING = "30d", _("Last 30 days")
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


class StaffingForecast(models.Model):
    """One week's forecast for the staffing page, computed by beat from the weeks before it
    (``analytics.services.staffing_forecast_compute``): the arrivals per hour of the week
    (168, from the week's Monday 00:00), the agent work per ticket and the forecast's error
    on held-back weeks. The page applies the manager's target to it (Erlang C) when read."""

    week_start = models.DateTimeField(_("week start"), unique=True)
    arrivals = models.JSONField(_("tickets forecast per hour"), default=list)
    handle_seconds = models.FloatField(_("agent work per ticket (seconds)"))
    handle_sample = models.PositiveIntegerField(_("resolved tickets the work rests on"))
    history_tickets = models.PositiveIntegerField(_("tickets in the history"))
    error = models.JSONField(_("forecast error on held-back weeks"), null=True, blank=True)
    # Live chat apart (Erlang A): its arrivals per hour, conversation time, patience and
    # abandonment (analytics.staffing.staffing_forecast_data); empty without chats.
    chat = models.JSONField(_("live chat forecast"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("staffing forecast")
        verbose_name_plural = _("staffing forecasts")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d}"


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


class TargetMetric(models.TextChoices):
    """The figures a manager can set a target (or an alert) on: keys of ``headlines.HEADLINES``."""

    CSAT = "csat", _("CSAT (share satisfied)")
    FIRST_RESPONSE = "first_response_median", _("Median first response")
    RESOLUTION = "resolution_median", _("Median resolution time")
    RESOLUTION_RATE = "resolution_rate", _("Resolution rate (of tickets created)")
    SLA = "sla_met", _("SLA met (both targets)")


class ReportTarget(models.Model):
    """The team's target for one figure, set by a manager; the overview shows the distance
    to it. Durations are stored in minutes, shares in %."""

    metric = models.CharField(_("figure"), max_length=32, choices=TargetMetric.choices, unique=True)
    value = models.FloatField(_("target"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report target")
        verbose_name_plural = _("report targets")
        ordering = ["metric"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="report_target_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.value:g}"


class DigestFrequency(models.TextChoices):
    DAILY = "day", _("Daily")
    WEEKLY = "week", _("Weekly")
    MONTHLY = "month", _("Monthly")


class DigestSubscription(models.Model):
    """A manager's digest: the key figures of the last day, week or month by mail.
    ``last_period_start`` is the watermark: a period is sent once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests", verbose_name=_("manager")
    )
    frequency = models.CharField(_("frequency"), max_length=5, choices=DigestFrequency.choices)
    last_period_start = models.DateTimeField(_("last period sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        ordering = ["user_id", "frequency"]
        constraints = [models.UniqueConstraint(fields=["user", "frequency"], name="digest_unique_user_frequency")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_frequency_display()}"


class AlertDirection(models.TextChoices):
    BELOW = "below", _("falls below")
    ABOVE = "above", _("rises above")


class ReportAlert(models.Model):
    """A manager's alert: mail when a figure over the last ``window_days`` crosses the
    threshold. It fires once when the figure crosses, then stays quiet (``firing_since``)
    until the figure is back on the right side."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_alerts", verbose_name=_("manager")
    )
    metric = models.CharField(_("figure"), max_length=32, choices=TargetMetric.choices)
    direction = models.CharField(_("when it"), max_length=5, choices=AlertDirection.choices)
    threshold = models.FloatField(
        _("threshold"), help_text=_("Shares in %, durations in minutes."), validators=[MinValueValidator(0)]
    )
    window_days = models.PositiveSmallIntegerField(
        _("over the last (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    firing_since = models.DateTimeField(_("firing since"), null=True, blank=True)
    last_value = models.FloatField(_("last value"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report alert")
        verbose_name_plural = _("report alerts")
        ordering = ["user_id", "metric", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(window_days__gte=1, window_days__lte=90), name="alert_window_1_90"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="alert_threshold_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.get_direction_display()} {self.threshold:g}"
