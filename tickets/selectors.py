"""Reads on tickets, scoped to who is asking. The desk, the help center and the API all
start here, so a customer guessing another ticket's URL gets a 404."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Order, User
from accounts.selectors import CustomerContext, customer_context_for

from .filters import TicketQueueFilter
from .models import (
    Attachment,
    CannedResponse,
    CSATResponse,
    MessageKind,
    Notification,
    NPSResponse,
    RefundRequest,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from .permissions import can_act_on_ticket, can_decide_refunds, is_desk_user
from .reference import reference_lists

PAST_TICKETS = 10


def ticket_list_visible(*, actor: User) -> QuerySet[Ticket]:
    """Every ticket for desk users; one's own tickets for everyone else."""
    if not actor.is_authenticated:
        return Ticket.objects.none()
    if is_desk_user(actor):
        return Ticket.objects.all()
    return Ticket.objects.filter(customer=actor)


def ticket_list_own(*, actor: User) -> QuerySet[Ticket]:
    """The tickets one asked oneself (the help center's "my tickets"), whatever one's role."""
    if not actor.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(customer_id=actor.pk)


def ticket_get_own(*, actor: User, pk: int) -> Ticket:
    try:
        return ticket_list_own(actor=actor).select_related("customer", "category", "assignee").get(pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def ticket_get_visible(*, actor: User, pk: int) -> Ticket:
    try:
        return ticket_list_visible(actor=actor).select_related("customer", "category", "assignee").get(pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def ticket_queue(
    *, actor: User, data: dict[str, Any], counting: bool = False, rows: int | None = None
) -> TicketQueueFilter:
    """The desk queue: a bound FilterSet whose ``qs`` carries what each row shows in a
    constant number of queries, whatever the page size. ``counting``: the same rows, in the
    form that counts them all fastest (a text search reads a page another way). ``rows``:
    how many of the first rows the caller reads, when it knows (a text search then looks
    among the newest tickets first); only those rows are then right."""
    queryset = ticket_list_visible(actor=actor).select_related("customer", "category", "assignee")
    return TicketQueueFilter(
        data, queryset=queryset.order_by("-created_at", "-pk"), actor=actor, counting=counting, rows=rows
    )


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    messages: list[TicketMessage]
    events: list[TicketEvent]
    can_act: bool
    can_decide_refunds: bool
    refund: RefundRequest | None
    csat: CSATResponse | None
    context: CustomerContext | None
    past_tickets: list[Ticket]
    past_csat: list[CSATResponse]
    merge_candidates: list[Ticket]
    canned_responses: list[CannedResponse]


def _messages(ticket: Ticket, *, include_notes: bool) -> list[TicketMessage]:
    messages = ticket.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    if not include_notes:
        messages = messages.filter(kind=MessageKind.REPLY)
    return list(messages)


def ticket_detail(*, actor: User, pk: int, public_only: bool = False) -> TicketDetail:
    """Everything the ticket page shows. Customers never see internal notes, the event
    trail or agent-only context; nor does an agent looking at a ticket they asked themselves
    (``public_only``, the help center's view)."""
    try:
        ticket = (
            ticket_list_visible(actor=actor)
            .select_related("customer__customer_profile", "category", "assignee")
            .get(pk=pk)
        )
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    # The refund, the rating and the ticket it was merged into ride along in a second
    # query: one join of all nine tables costs PostgreSQL about 9 ms of planning, two
    # queries of five and four tables cost 2.5 ms together.
    extras = Ticket.objects.select_related("merged_into", "refund_request__order", "csat").get(pk=ticket.pk)
    ticket.merged_into = extras.merged_into
    refund = getattr(extras, "refund_request", None)
    csat = getattr(extras, "csat", None)
    desk = is_desk_user(actor) and not public_only
    if not desk:
        return TicketDetail(
            ticket=ticket,
            messages=_messages(ticket, include_notes=False),
            events=[],
            can_act=False,
            can_decide_refunds=False,
            refund=refund,
            csat=csat,
            context=None,
            past_tickets=[],
            past_csat=[],
            merge_candidates=[],
            canned_responses=[],
        )
    # What the context panel and the merge form show of them: no join, few columns.
    others = list(
        Ticket.objects.filter(customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .only("pk", "subject", "status", "merged_into_id", "customer_id", "created_at")
        .order_by("-created_at")[:PAST_TICKETS]
    )
    return TicketDetail(
        ticket=ticket,
        messages=_messages(ticket, include_notes=True),
        events=list(ticket.events.select_related("actor")),
        can_act=can_act_on_ticket(actor, ticket),
        can_decide_refunds=can_decide_refunds(actor),
        refund=refund,
        csat=csat,
        context=customer_context_for(actor=actor, customer=ticket.customer),
        past_tickets=others,
        past_csat=list(
            CSATResponse.objects.filter(customer_id=ticket.customer_id)
            .select_related("ticket")
            .only("pk", "rating", "comment", "customer_id", "created_at", "ticket__id")
            .order_by("-created_at")[:PAST_TICKETS]
        ),
        merge_candidates=[t for t in others if t.is_active and t.merged_into_id is None],
        canned_responses=reference_lists().canned_responses,
    )


def ticket_view_counts(*, actor: User) -> list[tuple[str, str, int]]:
    """(view key, label, count) of the desk's saved views, for the desk home. One count
    query per view on indexed columns."""
    from .filters import VIEW_CHOICES

    visible = ticket_list_visible(actor=actor)
    querysets = {
        "mine": visible.active().filter(assignee=actor),
        "unassigned": visible.active().filter(assignee__isnull=True),
        "tier2": visible.active().for_tier(2),
        "breached": visible.overdue(),
        "breaching": visible.breaching(within=timedelta(hours=1)),
        "all": visible.active(),
    }
    return [(key, label, querysets[key].count()) for key, label in VIEW_CHOICES]


def ticket_detail_own(*, actor: User, pk: int) -> TicketDetail:
    """One's own ticket as the help center shows it: public messages only, whatever one's role."""
    ticket_get_own(actor=actor, pk=pk)
    return ticket_detail(actor=actor, pk=pk, public_only=True)


def notifications_unread(*, actor: User, limit: int = 20) -> list[Notification]:
    return list(notification_list_own(actor=actor).filter(read_at__isnull=True)[:limit])


def notification_list_own(*, actor: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).select_related("ticket").order_by("-created_at", "-pk")


def order_list_own(*, actor: User) -> QuerySet[Order]:
    return Order.objects.filter(customer_id=actor.pk).select_related("course").order_by("-created_at")


def order_list_refundable(*, actor: User) -> QuerySet[Order]:
    """One's own orders that a refund may still be asked for."""
    from .services.refunds import REFUNDABLE_STATUSES

    return order_list_own(actor=actor).filter(status__in=REFUNDABLE_STATUSES)


def attachment_get_visible(*, actor: User, pk: int) -> Attachment:
    """An attachment whose message the actor may read: desk users any; customers those of
    public messages on their own tickets. Anything else is a 404."""
    attachments = Attachment.objects.select_related("message__ticket")
    if not is_desk_user(actor):
        attachments = attachments.filter(message__ticket__customer_id=actor.pk, message__kind=MessageKind.REPLY)
    try:
        return attachments.get(pk=pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def ticket_customer_last_status_change(*, ticket: Ticket) -> TicketEvent | None:
    """The last status change the ticket's customer made ("solved", "not solved", a reply
    that reopened it), if any."""
    return (
        ticket.events.filter(type="tickets.ticket.status_changed", actor_id=ticket.customer_id)
        .order_by("-created_at", "-pk")
        .first()
    )


def nps_open_for(*, actor: User) -> NPSResponse | None:
    """The survey to answer now: the customer's latest offer, if it is unanswered and was
    made within the survey interval. An older offer left unanswered is never asked again,
    so answering the latest one ends the asking."""
    if not actor.is_authenticated:
        return None
    since = timezone.now() - timedelta(days=settings.HELPDESK_NPS_INTERVAL_DAYS)
    latest = NPSResponse.objects.filter(customer=actor).order_by("-offered_at", "-pk").first()
    if latest is None or latest.answered_at is not None or latest.offered_at <= since:
        return None
    return latest
