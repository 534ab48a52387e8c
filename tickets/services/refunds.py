"""Refunds (售后): a customer asks to refund one of their orders through a ticket; tier 2
or a manager approves (at most what is still refundable) or rejects."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Order, OrderStatus, User

from ..models import Category, Channel, MessageKind, RefundRequest, RefundStatus, Status, TicketMessage
from ..permissions import can_decide_refunds
from .base import event_log, ticket_lock, ticket_save
from .errors import RefundError, TicketActionDenied
from .escalation import escalation_rules_apply
from .lifecycle import _status_change_locked, ticket_open
from .notifications import notify
from .routing import ticket_route

REFUND_CATEGORY = "refund"
REFUNDABLE_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)


@transaction.atomic
def refund_request_open(
    *, customer: User, order: Order, amount: Decimal, reason: str, channel: str = Channel.WEB
) -> RefundRequest:
    """Open a refund ticket for one of the customer's own orders."""
    order = Order.objects.select_for_update().select_related("course").get(pk=order.pk)
    if order.customer_id != customer.pk:
        raise RefundError(_("You can only ask for a refund of your own orders."))
    if order.status not in REFUNDABLE_STATUSES:
        raise RefundError(_("This order cannot be refunded."))
    if amount <= 0 or amount > order.refundable_amount:
        raise RefundError(_("The amount must be more than 0 and at most %(max)s.") % {"max": order.refundable_amount})
    if RefundRequest.objects.filter(order=order, status=RefundStatus.REQUESTED).exists():
        raise RefundError(_("A refund of this order is already being reviewed."))
    ticket = ticket_open(
        customer=customer,
        subject=_("Refund request for order %(number)s") % {"number": order.number},
        body=reason.strip() or _("Please refund %(amount)s.") % {"amount": amount},
        channel=channel,
        category=Category.objects.filter(slug=REFUND_CATEGORY).first(),
        order=order,
        route=False,
    )
    request = RefundRequest.objects.create(ticket=ticket, order=order, amount=amount, reason=reason.strip())
    event_log(ticket=ticket, type="tickets.refund.requested", actor=customer, amount=str(amount), order=order.pk)
    ticket = ticket_lock(ticket=ticket)
    if escalation_rules_apply(ticket=ticket) is None:
        ticket_route(ticket=ticket)
    return request


def _decision_message(request: RefundRequest, text: str) -> None:
    TicketMessage.objects.create(
        ticket=request.ticket, author=None, kind=MessageKind.REPLY, body=text, is_automatic=True
    )


@transaction.atomic
def refund_approve(
    *, request: RefundRequest, actor: User, amount: Decimal | None = None, note: str = ""
) -> RefundRequest:
    """Approve (all or part of) a refund: the order records the refunded amount, the
    customer reads the decision with the agent's note in the conversation, and the ticket
    is resolved with that text as its resolution."""
    if not can_decide_refunds(actor):
        raise TicketActionDenied(_("Only tier-2 agents and managers decide refunds."))
    request = RefundRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RefundStatus.REQUESTED:
        raise RefundError(_("This refund has already been decided."))
    order = Order.objects.select_for_update().get(pk=request.order_id)
    amount = request.amount if amount is None else amount
    if amount <= 0 or amount > order.refundable_amount:
        raise RefundError(_("The amount must be more than 0 and at most %(max)s.") % {"max": order.refundable_amount})
    now = timezone.now()
    order.refunded_amount += amount
    order.refunded_at = now
    order.status = OrderStatus.REFUNDED if order.refunded_amount == order.amount else OrderStatus.PARTIALLY_REFUNDED
    order.save(update_fields=["refunded_amount", "refunded_at", "status"])
    request.status = RefundStatus.APPROVED
    request.approved_amount = amount
    request.decided_by, request.decided_at, request.decision_note = actor, now, note.strip()
    request.save(update_fields=["status", "approved_amount", "decided_by", "decided_at", "decision_note"])
    ticket = ticket_lock(ticket=request.ticket_id)
    with translation.override(ticket.customer.language):
        text = _("Your refund of %(amount)s %(currency)s for order %(number)s has been approved.") % {
            "amount": amount,
            "currency": order.currency,
            "number": order.number,
        }
    if request.decision_note:
        text = f"{text}\n\n{request.decision_note}"
    _decision_message(request, text)
    event_log(ticket=ticket, type="tickets.refund.approved", actor=actor, reason=note, amount=str(amount))
    fields = (
        _status_change_locked(ticket=ticket, status=Status.RESOLVED, actor=actor, resolution=text)
        if (ticket.is_active)
        else []
    )
    ticket_save(ticket, fields)
    notify(
        recipient=ticket.customer,
        type="tickets.refund.approved",
        ticket=ticket,
        amount=str(amount),
        currency=order.currency,
    )
    return request


@transaction.atomic
def refund_reject(*, request: RefundRequest, actor: User, note: str) -> RefundRequest:
    """Reject a refund with a reason the customer reads."""
    if not can_decide_refunds(actor):
        raise TicketActionDenied(_("Only tier-2 agents and managers decide refunds."))
    if not note.strip():
        raise RefundError(_("Say why the refund is rejected."))
    request = RefundRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RefundStatus.REQUESTED:
        raise RefundError(_("This refund has already been decided."))
    request.status = RefundStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    ticket = ticket_lock(ticket=request.ticket_id)
    _decision_message(request, note.strip())
    event_log(ticket=ticket, type="tickets.refund.rejected", actor=actor, reason=note.strip())
    ticket_save(ticket, [])
    notify(recipient=ticket.customer, type="tickets.refund.rejected", ticket=ticket)
    return request
