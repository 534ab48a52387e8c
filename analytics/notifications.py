"""Reports that arrive: managers' digests (the key figures of the last day, week or month
by mail, CSV attached, in the manager's language) and threshold alerts (a figure over the
last days crossing a threshold the manager set; once per crossing).

Both are idempotent: a digest's period is claimed on its subscription row before the mail
goes (``last_period_start``), and an alert mails only when it starts firing
(``firing_since`` empty → set) and re-arms when the figure is back on the right side.
"""

import csv
import io
import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import metrics
from .headlines import HEADLINE_BY_KEY, figure_at, headline_figures
from .metrics import Period
from .models import AlertDirection, DigestFrequency, DigestSubscription, ReportAlert, ReportSnapshot
from .periods import period_relative
from .services import report_snapshot_compute

logger = logging.getLogger(__name__)


def _overall_data(granularity: str, period: Period) -> dict | None:
    """The overall snapshot's data of a period, computed now if it never was."""
    snapshot = ReportSnapshot.objects.filter(granularity=granularity, start=period.start, dimension="overall").first()
    if snapshot is None and report_snapshot_compute(granularity=granularity, period=period):
        snapshot = ReportSnapshot.objects.filter(
            granularity=granularity, start=period.start, dimension="overall"
        ).first()
    return snapshot.data if snapshot else None


def _absolute(path: str, **query: str) -> str:
    return f"{settings.HELPDESK_SITE_URL}{path}" + (f"?{urlencode(query)}" if query else "")


def digest_figures(*, frequency: str, today: date) -> tuple[Period, list[dict[str, Any]]]:
    """The last whole period of ``frequency`` before ``today`` and its headline figures
    against the period before it."""
    period = period_relative(frequency, -1, today=today)
    before = period_relative(frequency, -2, today=today)
    return period, headline_figures(_overall_data(frequency, period), _overall_data(frequency, before))


def _figures_csv(figures: list[dict[str, Any]]) -> str:
    """The digest's figures as CSV (durations in minutes, shares in %)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Metric"),
            _("This period"),
            _("Sample size"),
            _("Previous period"),
            pgettext("difference from the previous period", "Change"),
            _("Unit"),
        ]
    )

    def plain(value: Any, kind: str) -> Any:
        if value is None:
            return ""
        return round(value / 60.0, 1) if kind == "seconds" else value

    units = {"pct": "%", "seconds": _("minutes"), "money": "CNY", "int": "", "num": ""}
    for figure in figures:
        writer.writerow(
            [
                str(figure["label"]),
                plain(figure["value"], figure["kind"]),
                "" if figure["sample"] is None else figure["sample"],
                plain(figure["previous"], figure["kind"]),
                plain(figure["change"], figure["kind"]),
                units.get(figure["kind"], ""),
            ]
        )
    return out.getvalue()


def digest_send(*, subscription: DigestSubscription, today: date) -> bool:
    """Mail ``subscription``'s digest for the last whole period before ``today``, once:
    False when that period was already sent (or claimed by a concurrent run)."""
    period = period_relative(subscription.frequency, -1, today=today)
    claimed = DigestSubscription.objects.filter(
        Q(last_period_start__isnull=True) | Q(last_period_start__lt=period.start), pk=subscription.pk
    ).update(last_period_start=period.start)
    if not claimed:
        return False
    user = subscription.user
    try:
        with translation.override(user.language):
            period, figures = digest_figures(frequency=subscription.frequency, today=today)
            label = _period_text(subscription.frequency, period)
            context = {
                "user": user,
                "figures": figures,
                "period_label": label,
                "frequency": subscription.get_frequency_display(),
                "min_sample": settings.HELPDESK_REPORT_MIN_SAMPLE,
                "reports_url": _absolute(
                    reverse("reports:home"),
                    granularity=subscription.frequency,
                    end=(timezone.localtime(period.end) - timedelta(days=1)).date().isoformat(),
                ),
                "settings_url": _absolute(reverse("reports:subscriptions")),
            }
            subject = _("%(frequency)s report: %(period)s") % {"frequency": context["frequency"], "period": label}
            mail = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("analytics/email/digest.txt", context),
                to=[user.email],
            )
            mail.attach_alternative(render_to_string("analytics/email/digest.html", context), "text/html")
            mail.attach(f"report-{subscription.frequency}-{label}.csv", _figures_csv(figures), "text/csv")
            mail.send()
    except Exception:
        # Give the period back, so that the next run tries again.
        DigestSubscription.objects.filter(pk=subscription.pk, last_period_start=period.start).update(
            last_period_start=subscription.last_period_start
        )
        raise
    return True


def _period_text(frequency: str, period: Period) -> str:
    first = timezone.localtime(period.start).date()
    last = (timezone.localtime(period.end) - timedelta(days=1)).date()
    if frequency == DigestFrequency.DAILY:
        return first.isoformat()
    if frequency == DigestFrequency.MONTHLY:
        return f"{first:%Y-%m}"
    return f"{first.isoformat()}–{last.isoformat()}"


def digests_send_due(*, frequency: str, today: date | None = None) -> int:
    """Send every digest of ``frequency`` not sent yet for the last whole period. Returns
    how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    for subscription in DigestSubscription.objects.filter(frequency=frequency, user__is_active=True).select_related(
        "user"
    ):
        sent += digest_send(subscription=subscription, today=today)
    return sent


# An alert's figure over its window: the metric function and the headline it reads.
ALERT_METRICS = {
    "csat": metrics.csat,
    "first_response_median": metrics.first_response_time,
    "resolution_median": metrics.resolution_time,
    "resolution_rate": metrics.volume,
    "sla_met": metrics.sla_compliance,
}


def _alert_value(metric: str, window: Period) -> tuple[float | None, int]:
    """The figure (durations in minutes) over ``window`` and its sample size."""
    headline = HEADLINE_BY_KEY[metric]
    data = {headline.path[0]: ALERT_METRICS[metric](period=window)}
    value, sample = figure_at(data, headline.path), figure_at(data, headline.sample) or 0
    if value is not None and headline.kind == "seconds":
        value = round(value / 60.0, 1)
    return value, sample


def alerts_check(*, now: datetime | None = None) -> int:
    """Evaluate every alert over its last ``window_days``; mail the ones that start firing.
    A figure resting on fewer than ``HELPDESK_REPORT_MIN_SAMPLE`` answers or tickets
    neither fires nor re-arms. Returns how many alerts were mailed."""
    now = now or timezone.now()
    values: dict[tuple[str, int], tuple[float | None, int]] = {}
    fired = 0
    for alert in ReportAlert.objects.select_related("user").filter(user__is_active=True):
        key = (alert.metric, alert.window_days)
        if key not in values:
            values[key] = _alert_value(alert.metric, Period(start=now - timedelta(days=alert.window_days), end=now))
        value, sample = values[key]
        fields = {"last_checked_at": now, "last_value": value}
        if value is not None and sample >= settings.HELPDESK_REPORT_MIN_SAMPLE:
            crossed = value < alert.threshold if alert.direction == AlertDirection.BELOW else value > alert.threshold
            if not crossed:
                fields["firing_since"] = None
            # Claim the crossing on the row first, so that two runs never both mail it.
            elif alert.firing_since is None and ReportAlert.objects.filter(
                pk=alert.pk, firing_since__isnull=True
            ).update(firing_since=now):
                _alert_mail(alert, value=value, sample=sample)
                fired += 1
        ReportAlert.objects.filter(pk=alert.pk).update(**fields)
    return fired


def _alert_mail(alert: ReportAlert, *, value: float, sample: int) -> None:
    headline = HEADLINE_BY_KEY[alert.metric]
    with translation.override(alert.user.language):
        unit = "%" if headline.kind == "pct" else (" " + _("minutes") if headline.kind == "seconds" else "")
        context = {
            "alert": alert,
            "label": headline.label,
            "direction": alert.get_direction_display(),
            "value": f"{value:g}{unit}",
            "threshold": f"{alert.threshold:g}{unit}",
            "sample": sample,
            "unit": headline.unit,
            "days": alert.window_days,
            "reports_url": _absolute(reverse("reports:home")),
            "settings_url": _absolute(reverse("reports:subscriptions")),
        }
        subject = _("Alert: %(figure)s %(direction)s %(threshold)s") % {
            "figure": headline.label,
            "direction": context["direction"],
            "threshold": context["threshold"],
        }
        mail = EmailMultiAlternatives(
            subject=subject, body=render_to_string("analytics/email/alert.txt", context), to=[alert.user.email]
        )
        mail.send()
