"""Formatting of report figures: "no data" for None, durations, shares, money."""

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def duration(seconds: float) -> str:
    """A duration as people read it: seconds under two minutes (a live chat's first
    response), minutes under an hour, hours under two days, days."""
    if seconds < 120:
        return _("%(value)s s") % {"value": f"{seconds:.0f}"}
    if seconds < 3600:
        return _("%(value)s min") % {"value": f"{seconds / 60:.1f}"}
    if seconds < 2 * 86400:
        return _("%(value)s h") % {"value": f"{seconds / 3600:.1f}"}
    return _("%(value)s d") % {"value": f"{seconds / 86400:.1f}"}


@register.filter
def figure(value: Any, kind: str = "num") -> str:
    """One figure as the pages show it; ``None`` is "no data", never 0."""
    if value is None:
        return format_html('<span class="no-data">{}</span>', _("no data"))
    if kind == "link":
        text, url = value
        return format_html('<a href="{}">{}</a>', url, text)
    if kind == "text":
        return str(value)
    if kind == "int":
        return intcomma(int(value))
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "seconds":
        return duration(float(value))
    if kind == "money":
        return f"¥{intcomma(f'{value:.2f}')}"
    if isinstance(value, float):
        return intcomma(f"{value:.2f}".rstrip("0").rstrip("."))
    return intcomma(value)


@register.filter
def change(value: Any, kind: str = "num") -> str:
    """A change against the previous period, signed: "+3", "−1.5 pts" (percentage points)."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{distance(value, kind)}"


@register.filter
def distance(value: Any, kind: str = "num") -> str:
    """The size of a difference, unsigned, in the figure's unit (shares in points)."""
    if value is None:
        return ""
    magnitude = abs(value)
    if kind == "seconds":
        return duration(magnitude)
    if kind == "pct":
        return _("%(value)s pts") % {"value": f"{magnitude:.1f}"}
    if kind == "money":
        return f"¥{intcomma(f'{magnitude:.2f}')}"
    if kind == "int":
        return intcomma(int(magnitude))
    return f"{magnitude:g}"
