"""Filters of the report pages and the manager's refresh request."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .headlines import HEADLINE_BY_KEY
from .metrics.db import DIMENSION_FIELDS
from .models import DigestFrequency, Dimension, Granularity, ReportAlert, TargetMetric
from .periods import period_first_day, period_shift
from .selectors import ReportScope, dimension_choices

# How many periods a page shows by default, and at most.
DEFAULT_PERIODS = {Granularity.ROLLING: 6, Granularity.DAY: 14, Granularity.WEEK: 12, Granularity.MONTH: 12}
MAX_PERIODS = 400


def default_first(granularity: str, last: date) -> date:
    """The first day of the default range ending on ``last``."""
    return period_shift(granularity, period_first_day(granularity, last), -(DEFAULT_PERIODS[granularity] - 1))


def default_scope(granularity: str = Granularity.ROLLING) -> ReportScope:
    last = timezone.localdate()
    return ReportScope(granularity=granularity, first=default_first(granularity, last), last=last)


class ReportFilterForm(forms.Form):
    granularity = forms.ChoiceField(
        label=_("Period"), choices=Granularity.choices, initial=Granularity.ROLLING, required=False
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    segment = forms.ChoiceField(label=_("Tickets"), required=False, initial="overall")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = dimension_choices()

    def clean(self) -> dict:
        data = super().clean()
        granularity = data.get("granularity") or Granularity.ROLLING
        end: date = data.get("end") or timezone.localdate()
        start: date = data.get("start") or default_first(granularity, end)
        if end < start:
            raise forms.ValidationError(_("The end date must not be before the start date."), code="range")
        days = (end - start).days
        span = {
            Granularity.ROLLING: days // 30,
            Granularity.DAY: days,
            Granularity.WEEK: days // 7,
            Granularity.MONTH: days // 28,
        }[granularity]
        if span > MAX_PERIODS:
            raise forms.ValidationError(
                _("Choose at most %(count)s periods; pick a coarser period or a shorter range."),
                code="range",
                params={"count": MAX_PERIODS},
            )
        data["granularity"], data["start"], data["end"] = granularity, start, end
        return data

    def scope(self) -> ReportScope:
        """The valid filters as a scope; the defaults when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return default_scope()
        dimension, _sep, key = (self.cleaned_data.get("segment") or "overall").partition(":")
        if dimension not in DIMENSION_FIELDS:
            dimension, key = Dimension.OVERALL, ""
        return ReportScope(
            granularity=self.cleaned_data["granularity"],
            first=self.cleaned_data["start"],
            last=self.cleaned_data["end"],
            dimension=dimension,
            key=key,
        )


class ReportRefreshForm(forms.Form):
    granularity = forms.ChoiceField(choices=Granularity.choices)
    day = forms.DateField()

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError(_("Reports cannot be computed for the future."), code="future")
        return day


class DigestForm(forms.Form):
    frequencies = forms.MultipleChoiceField(
        label=_("Send me the key figures"),
        choices=DigestFrequency.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AlertForm(forms.ModelForm):
    class Meta:
        model = ReportAlert
        fields = ["metric", "direction", "threshold", "window_days"]

    def clean(self) -> dict:
        data = super().clean()
        metric, threshold = data.get("metric"), data.get("threshold")
        if metric and threshold is not None and HEADLINE_BY_KEY[metric].kind == "pct" and threshold > 100:
            self.add_error("threshold", _("A share is at most 100%."))
        return data


class TargetsForm(forms.Form):
    """One optional field per target figure; empty removes the target."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for metric, label in TargetMetric.choices:
            kind = HEADLINE_BY_KEY[metric].kind
            self.fields[metric] = forms.FloatField(
                label=label,
                required=False,
                min_value=0,
                max_value=100 if kind == "pct" else None,
                help_text=_("in %") if kind == "pct" else _("in minutes"),
            )
