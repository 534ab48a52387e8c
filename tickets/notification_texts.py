"""What a notification says. Stored notifications hold only ``type`` and ``data``; the text
is rendered when it is shown, in the reader's (active) language, so a notification created
by a worker in one locale reads right in the other.

Placeholders every ticket text may use: ``reference`` (HD-123) and ``subject``; the
notification's ``data`` adds its own (``amount`` and ``currency`` for approved refunds).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Notification, Status

TEXTS = {
    "tickets.ticket.received": _(
        "We have received your ticket %(reference)s “%(subject)s”. Our support team will answer as soon as possible."
    ),
    "tickets.ticket.status_changed": _("Your ticket %(reference)s “%(subject)s” is now: %(status_label)s."),
    "tickets.ticket.escalated": _(
        "Ticket %(reference)s “%(subject)s” was escalated to tier 2 and no tier-2 agent is available to take it."
    ),
    "tickets.ticket.assigned": _("Ticket %(reference)s “%(subject)s” has been assigned to you."),
    "tickets.ticket.customer_replied": _("The customer replied to ticket %(reference)s “%(subject)s”."),
    "tickets.ticket.agent_replied": _("Our support team replied to your ticket %(reference)s “%(subject)s”."),
    "tickets.ticket.resolved": _(
        "Your ticket %(reference)s “%(subject)s” has been resolved. Tell us if your problem is not solved."
    ),
    "tickets.ticket.first_response_breached": _("Ticket %(reference)s “%(subject)s” missed its first-response target."),
    "tickets.ticket.resolution_breached": _("Ticket %(reference)s “%(subject)s” missed its resolution target."),
    "tickets.refund.approved": _("Your refund of %(amount)s %(currency)s for ticket %(reference)s has been approved."),
    "tickets.refund.rejected": _(
        "Your refund request in ticket %(reference)s was not approved. The ticket explains why."
    ),
    "tickets.nps.offered": _("How likely are you to recommend us? Please answer our two-question survey."),
}
GENERIC_TICKET_TEXT = _("There is news on ticket %(reference)s “%(subject)s”.")
GENERIC_TEXT = _("You have a new notification.")


def notification_text(notification: Notification) -> str:
    """The sentence for ``notification`` in the active language. Unknown types, and data
    missing a placeholder, fall back to a generic sentence rather than failing.
    Reads ``notification.ticket``: select_related("ticket") when rendering a list."""
    params: dict[str, Any] = {
        key: value for key, value in (notification.data or {}).items() if isinstance(value, str | int | float)
    }
    if isinstance(params.get("status"), str) and params["status"] in Status.values:
        params["status_label"] = str(Status(params["status"]).label)
    ticket = notification.ticket
    if ticket is not None:
        params.update(reference=ticket.reference, subject=ticket.subject)
    template = TEXTS.get(notification.type)
    if template is not None:
        try:
            return str(template) % params
        except (KeyError, TypeError, ValueError):
            pass
    if ticket is not None:
        return str(GENERIC_TICKET_TEXT) % params
    return str(GENERIC_TEXT)
