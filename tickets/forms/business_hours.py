"""Business hours in a form a manager can fill in: one line of opening hours per weekday
("09:00-12:00, 13:00-18:00", empty when closed), the company's closures and extra working
days one per line ("2027-02-08" or a range "2027-02-06..2027-02-12"), and whether mainland
China's public calendar applies. Stored as the model's JSON, never typed as JSON."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import BusinessHours
from ..sla_clock import BusinessCalendar, china_calendar_days

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
MAX_RANGE_DAYS = 366


def _intervals_text(intervals: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def _parse_intervals(text: str) -> list[list[str]]:
    intervals = []
    for part in filter(None, (piece.strip() for piece in text.replace("，", ",").split(","))):
        start, sep, end = part.replace("–", "-").replace("~", "-").partition("-")
        if not sep:
            raise forms.ValidationError(_("Write opening hours as 09:00-18:00, several separated by commas."))
        intervals.append([start.strip(), end.strip()])
    return intervals


def _parse_dates(text: str) -> list[str]:
    days: set[date] = set()
    for line in filter(None, (line.strip() for line in text.splitlines())):
        first, sep, last = line.partition("..")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if sep else start
        except ValueError:
            raise forms.ValidationError(
                _("“%(line)s” is not a date: write 2027-02-08, or a range 2027-02-06..2027-02-12."),
                params={"line": line},
            ) from None
        if end < start or (end - start).days > MAX_RANGE_DAYS:
            raise forms.ValidationError(
                _("“%(line)s”: a range goes forward and spans at most a year."), params={"line": line}
            )
        days.update(start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return sorted(day.isoformat() for day in days)


def _day_field(number: int) -> forms.CharField:
    return forms.CharField(
        label=WEEKDAYS[number],
        required=False,
        help_text=_("For example 09:00-12:00, 13:00-18:00; empty: closed.") if number == 0 else "",
    )


class BusinessHoursForm(forms.ModelForm):
    day_0, day_1, day_2, day_3, day_4, day_5, day_6 = (_day_field(number) for number in range(7))
    closures = forms.CharField(
        label=_("Company closures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One date per line (2027-02-08) or a range (2027-02-06..2027-02-12)."),
    )
    extra_working_days = forms.CharField(
        label=_("Extra working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Days the company works although closed otherwise; they open with the weekday hours."),
    )

    class Meta:
        model = BusinessHours
        fields = ["name", "timezone", "follows_china_calendar"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weekly = self.instance.weekly or {}
        for number in range(7):
            self.fields[f"day_{number}"].initial = _intervals_text(weekly.get(str(number), []))
        self.fields["closures"].initial = "\n".join(self.instance.holidays or [])
        self.fields["extra_working_days"].initial = "\n".join(self.instance.working_days or [])
        years = china_calendar_days()[2]
        self.fields["follows_china_calendar"].help_text = _(
            "Closed on public holidays; open on the make-up working days (调休) with the weekday hours. "
            "The official dates are known for %(first)s–%(last)s; add later years' as closures and extra "
            "working days until the package is updated."
        ) % {"first": years[0], "last": years[-1]}

    def clean_closures(self) -> list[str]:
        return _parse_dates(self.cleaned_data.get("closures", ""))

    def clean_extra_working_days(self) -> list[str]:
        return _parse_dates(self.cleaned_data.get("extra_working_days", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        weekly: dict[str, list[list[str]]] = {}
        for number in range(7):
            try:
                intervals = _parse_intervals(data.get(f"day_{number}", "") or "")
            except forms.ValidationError as error:
                self.add_error(f"day_{number}", error)
                continue
            if intervals:
                weekly[str(number)] = intervals
        if self.errors:
            return data
        try:
            BusinessCalendar.from_json(
                timezone=data.get("timezone") or "",
                weekly=weekly,
                holidays=data.get("closures", []),
                workdays=data.get("extra_working_days", []),
            )
        except ValueError as error:
            raise forms.ValidationError(_("These hours cannot be used: %(reason)s"), params={"reason": error}) from None
        data["weekly"] = weekly
        return data

    def save(self, commit: bool = True) -> BusinessHours:
        self.instance.weekly = self.cleaned_data["weekly"]
        self.instance.holidays = self.cleaned_data["closures"]
        self.instance.working_days = self.cleaned_data["extra_working_days"]
        return super().save(commit=commit)
