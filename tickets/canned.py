"""Canned responses: fill the placeholders a reply template may use."""

from accounts.models import User

from .models import CannedResponse, Ticket

PLACEHOLDERS = ("customer_name", "course", "order", "reference", "agent_name")


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def canned_render(*, canned: CannedResponse, ticket: Ticket, agent: User) -> str:
    """The canned text with {customer_name}, {course}, {order}, {reference} and
    {agent_name} filled from the ticket; unknown or unfillable placeholders stay as typed,
    so the agent sees what to complete. Braces that are not placeholders are kept."""
    values = _KeepUnknown(
        customer_name=ticket.customer.get_short_name(),
        course=ticket.course.title if ticket.course_id else "{course}",
        order=ticket.order.number if ticket.order_id else "{order}",
        reference=ticket.reference,
        agent_name=agent.get_short_name(),
    )
    try:
        return canned.body.format_map(values)
    except (ValueError, IndexError):
        # A stray "{" or "{0}" in the text: leave it as written rather than fail.
        text = canned.body
        for key in PLACEHOLDERS:
            text = text.replace("{" + key + "}", str(values[key]))
        return text
