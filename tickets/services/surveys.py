"""Satisfaction (CSAT, per resolved ticket) and NPS (per customer, at most once a quarter)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Order, Role, User
from helpdesk.events import event_record

from ..models import CSATResponse, NPSResponse, Status, Ticket
from .base import event_log
from .errors import SurveyError, TicketActionDenied
from .notifications import notify_many

# Customers offered an NPS survey per batch; each batch is one insert of this many rows.
NPS_BATCH = 1000


@transaction.atomic
def csat_record(*, ticket: Ticket, customer: User, rating: int, comment: str = "") -> CSATResponse:
    """The customer rates a resolved (or closed) ticket of theirs, once."""
    ticket = Ticket.objects.get(pk=ticket.pk)  # the caller's copy may be stale
    if ticket.customer_id != customer.pk:
        raise TicketActionDenied(_("You may not rate this ticket."))
    if ticket.status not in (Status.RESOLVED, Status.CLOSED) or ticket.merged_into_id:
        raise SurveyError(_("You can rate a ticket once it is resolved."))
    if not 1 <= rating <= 5:
        raise SurveyError(_("Choose a rating from 1 to 5."))
    try:
        with transaction.atomic():
            response = CSATResponse.objects.create(
                ticket=ticket, customer=customer, rating=rating, comment=comment.strip()
            )
    except IntegrityError as exc:
        raise SurveyError(_("You have already rated this ticket.")) from exc
    event_log(ticket=ticket, type="tickets.csat.recorded", actor=customer, rating=rating)
    return response


def nps_customers_due(*, now: datetime) -> QuerySet[User]:
    """Customers who bought or had a ticket resolved in the last interval and have not been
    offered the survey within it."""
    since = now - timedelta(days=settings.HELPDESK_NPS_INTERVAL_DAYS)
    recently_offered = NPSResponse.objects.filter(customer=OuterRef("pk"), offered_at__gt=since)
    bought = Order.objects.filter(customer=OuterRef("pk"), paid_at__gt=since)
    helped = Ticket.objects.filter(customer=OuterRef("pk"), resolved_at__gt=since)
    return (
        User.objects.filter(groups__name=Role.CUSTOMER, is_active=True)
        .filter(Exists(bought) | Exists(helped))
        .exclude(Exists(recently_offered))
    )


def nps_offer_due(*, now: datetime | None = None) -> int:
    """Offer the NPS survey to every customer due. Idempotent within the interval: a
    customer offered once is not due again until HELPDESK_NPS_INTERVAL_DAYS have passed."""
    now = now or timezone.now()
    offered = 0
    while True:
        customers = list(nps_customers_due(now=now).values_list("pk", flat=True)[:NPS_BATCH])
        if not customers:
            return offered
        with transaction.atomic():
            NPSResponse.objects.bulk_create([NPSResponse(customer_id=pk, offered_at=now) for pk in customers])
            notify_many(recipients=User.objects.filter(pk__in=customers), type="tickets.nps.offered")
        offered += len(customers)


@transaction.atomic
def nps_record(*, response: NPSResponse, customer: User, score: int, comment: str = "") -> NPSResponse:
    """The customer answers the survey they were offered, once."""
    response = NPSResponse.objects.select_for_update().get(pk=response.pk)
    if response.customer_id != customer.pk:
        raise TicketActionDenied(_("You may not answer this survey."))
    if response.answered_at is not None:
        raise SurveyError(_("You have already answered this survey."))
    if not 0 <= score <= 10:
        raise SurveyError(_("Choose a score from 0 to 10."))
    response.score, response.comment, response.answered_at = score, comment.strip(), timezone.now()
    response.save(update_fields=["score", "comment", "answered_at"])
    event_record(
        "tickets.nps.received", customer_id=customer.pk, actor_id=customer.pk, response=response.pk, score=score
    )
    return response
