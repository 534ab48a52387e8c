from django import template

from ..selectors import heartbeat_is_stale, heartbeat_latest

register = template.Library()


@register.inclusion_tag("helpdesk/_worker_status.html")
def worker_status() -> dict[str, object]:
    beat = heartbeat_latest()
    return {"heartbeat": beat, "heartbeat_stale": heartbeat_is_stale(beat)}
