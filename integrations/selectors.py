"""Reads of the platform connection."""

from dataclasses import dataclass

from django.http import Http404

from accounts.models import User
from accounts.selectors import CustomerContext, customer_context_unchecked
from tickets.models import Ticket

RECENT_TICKETS = 10


@dataclass(frozen=True)
class PlatformCustomer:
    context: CustomerContext
    tickets: list[Ticket]


def customer_get_by_external_id(*, external_id: str) -> PlatformCustomer:
    """What the desk shows of the customer the platform knows as ``external_id``:
    purchases, learning per week, their latest tickets. 404 for an unknown id."""
    customer = (
        User.objects.select_related("customer_profile").filter(customer_profile__platform_user_id=external_id).first()
    )
    if customer is None or not external_id:
        raise Http404
    tickets = list(
        Ticket.objects.filter(customer=customer).select_related("category").order_by("-created_at")[:RECENT_TICKETS]
    )
    return PlatformCustomer(context=customer_context_unchecked(customer=customer), tickets=tickets)
