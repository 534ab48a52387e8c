from typing import Any

from django import template

from tickets.permissions import is_desk_user

from ..hub import last_event_id
from ..services import PRESENCE_REFRESH_SECONDS, PRESENCE_TTL_SECONDS, presence_on_ticket

register = template.Library()


@register.inclusion_tag("live/_stream.html", takes_context=True)
def live_stream(context: dict[str, Any], scope: str = "", ticket: Any = None, refresh: bool = False) -> dict[str, Any]:
    """The page's live connection: where to stream from, from which event on (so nothing
    between rendering and connecting is lost), and on a ticket page who else is there."""
    request = context["request"]
    people = presence_on_ticket(ticket=ticket, exclude=request.user) if ticket is not None else []
    return {
        "scope": scope,
        "ticket": ticket,
        "refresh": refresh,
        "after": last_event_id(),
        "me": request.user.pk,
        "is_desk": is_desk_user(request.user),
        "people": people,
        "presence_refresh": PRESENCE_REFRESH_SECONDS,
        "presence_ttl": PRESENCE_TTL_SECONDS,
        "csrf_token": context.get("csrf_token"),
    }
