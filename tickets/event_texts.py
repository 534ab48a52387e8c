"""The event trail in words. Events store ``type`` and ``data``; the sentence is made when
the trail is shown, in the reader's language."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .choices import Channel, Priority, Status
from .models import Category, TicketEvent

TEXTS = {
    "tickets.ticket.created": _("Opened via %(channel)s."),
    "tickets.ticket.assigned": _("Assigned to %(to)s (was %(from)s)."),
    "tickets.ticket.replied": _("Replied."),
    "tickets.ticket.noted": _("Added an internal note."),
    "tickets.ticket.status_changed": _("Status: %(from)s → %(to)s."),
    "tickets.ticket.priority_changed": _("Priority: %(from)s → %(to)s."),
    "tickets.ticket.category_changed": _("Category: %(from)s → %(to)s."),
    "tickets.ticket.escalated": _("Escalated to tier 2 (%(rule)s)."),
    "tickets.ticket.deescalated": _("Handed back to tier 1."),
    "tickets.ticket.reopened": _("Reopened by the customer (%(count)s times in all)."),
    "tickets.ticket.sla_paused": _("SLA clock paused while waiting on the customer."),
    "tickets.ticket.sla_resumed": _("SLA clock resumed after %(paused_minutes)s minutes paused."),
    "tickets.ticket.first_response_breached": _("First-response target missed."),
    "tickets.ticket.resolution_breached": _("Resolution target missed."),
    "tickets.ticket.merged": _("Merged ticket HD-%(source)s into this one."),
    "tickets.ticket.merged_into": _("Merged into HD-%(target)s."),
    "tickets.refund.requested": _("Refund of %(amount)s requested."),
    "tickets.refund.approved": _("Refund of %(amount)s approved."),
    "tickets.refund.rejected": _("Refund rejected."),
    "tickets.csat.recorded": _("Customer rated the service %(rating)s out of 5."),
    "tickets.ticket.auto_answered": _("Answered automatically with help-center articles."),
    "tickets.ticket.deflected": _("Solved by the automatic answer, without an agent."),
    "tickets.ticket.triaged": _("Triage model predicted “%(category)s” (confidence %(confidence)s)."),
}


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def event_texts(
    events: Iterable[TicketEvent],
    *,
    known_names: Mapping[int, str] | None = None,
    known_categories: Mapping[int, str] | None = None,
) -> list[tuple[TicketEvent, str]]:
    """Each event with its sentence. Names of assignees and categories are read in one
    query each, whatever the number of events, and not at all when the caller already
    holds them (``known_names``/``known_categories``: the ticket page's choice lists)."""
    from .services.escalation import EscalationRule

    events = list(events)
    names = dict(known_names or {})
    user_ids = {e.data.get(k) for e in events if e.type == "tickets.ticket.assigned" for k in ("from", "to")}
    missing = [i for i in user_ids if i and i not in names]
    if missing:
        names.update((u.pk, str(u)) for u in User.objects.filter(pk__in=missing))
    categories = dict(known_categories or {})
    category_ids = {
        e.data.get(k) for e in events if e.type == "tickets.ticket.category_changed" for k in ("from", "to")
    }
    missing = [i for i in category_ids if i and i not in categories]
    # The triage model names categories by slug.
    slugs = {e.data.get("category") for e in events if e.type == "tickets.ticket.triaged"} - {None}
    by_slug: dict[str, str] = {}
    if missing or slugs:
        for c in Category.objects.filter(Q(pk__in=missing) | Q(slug__in=slugs)):
            categories[c.pk] = by_slug[c.slug] = c.name
    nobody = str(_("nobody"))
    rows = []
    for event in events:
        data = dict(event.data)
        if event.type == "tickets.ticket.created":
            data["channel"] = _label(Channel, data.get("channel"))
        elif event.type == "tickets.ticket.assigned":
            data = {k: names.get(data.get(k), nobody) for k in ("from", "to")}
        elif event.type == "tickets.ticket.status_changed":
            data = {k: _label(Status, data.get(k)) for k in ("from", "to")}
        elif event.type == "tickets.ticket.priority_changed":
            data = {k: _label(Priority, data.get(k)) for k in ("from", "to")}
        elif event.type == "tickets.ticket.category_changed":
            data = {k: categories.get(data.get(k), nobody) for k in ("from", "to")}
        elif event.type == "tickets.ticket.escalated":
            data["rule"] = _label(EscalationRule, data.get("rule"))
        elif event.type == "tickets.ticket.triaged":
            data["category"] = by_slug.get(data.get("category"), data.get("category"))
            confidence = data.get("confidence")
            if isinstance(confidence, int | float):
                data["confidence"] = f"{confidence:.0%}"
        template = TEXTS.get(event.type)
        try:
            text = str(template) % data if template else event.type
        except (KeyError, TypeError, ValueError):
            text = event.type
        rows.append((event, text))
    return rows
