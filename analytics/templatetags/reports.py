"""Formatting of report figures: "no data" for None, durations, shares, money."""

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def duration(seconds: float) -> str:
    if seconds < 60:
        return _("%(value)s s") % {"value": f"{seconds:.0f}"}
    if seconds < 3600:
        return _("%(value)s min") % {"value": f"{seconds / 60:.1f}"}
    if seconds < 86400:
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
    """A change against the previous period, signed: "+3", "−1.5%" (percentage points)."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    magnitude = abs(value)
    if kind == "seconds":
        text = duration(magnitude)
    elif kind == "pct":
        text = _("%(value)s pts") % {"value": f"{magnitude:.1f}"}
    elif kind == "money":
        text = f"¥{intcomma(f'{magnitude:.2f}')}"
    elif kind == "int":
        text = intcomma(int(magnitude))
    else:
        text = f"{magnitude:g}"
    return f"{sign}{text}"
