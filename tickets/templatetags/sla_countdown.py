"""The desk's SLA countdowns for live chats: seconds and minutes, not dates.

``{{ due|countdown:now }}`` renders the time left ("45 s", "2 min 05 s", "1 h 03 min"; the
time past due the same way, for a breached target); ``static/js/desk-countdown.js`` then
ticks it every second from the element's ``data-countdown-until``.
"""

from datetime import datetime

from django import template
from django.utils.translation import gettext

register = template.Library()


def _formats() -> dict[str, str]:
    return {
        "seconds": gettext("%(seconds)d s"),
        "minutes": gettext("%(minutes)d min %(seconds)02d s"),
        "hours": gettext("%(hours)d h %(minutes)02d min"),
    }


def countdown_text(seconds: float) -> str:
    """``seconds`` (≥ 0) as the countdown shows it."""
    seconds, formats = int(seconds), _formats()
    if seconds < 60:
        return formats["seconds"] % {"seconds": seconds}
    if seconds < 3600:
        return formats["minutes"] % {"minutes": seconds // 60, "seconds": seconds % 60}
    return formats["hours"] % {"hours": seconds // 3600, "minutes": seconds % 3600 // 60}


@register.simple_tag
def countdown_format(kind: str) -> str:
    """The format string of ``kind`` (seconds, minutes, hours) for the page's script."""
    return _formats()[kind]


@register.filter
def countdown(due: datetime | None, now: datetime) -> str:
    """The time between ``now`` and ``due``, whichever comes first."""
    if due is None:
        return ""
    return countdown_text(abs((due - now).total_seconds()))
