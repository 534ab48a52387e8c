from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import OrderStatus
from accounts.tests.factories import OrderFactory
from tickets.models import RefundStatus, Status, Ticket
from tickets.services import RefundError, TicketActionDenied, refund_approve, refund_reject, refund_request_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(customer_a):
    return OrderFactory(customer=customer_a, amount=Decimal("299.00"))


def _request(customer, order, amount="299.00"):
    return refund_request_open(customer=customer, order=order, amount=Decimal(amount), reason="课程内容与介绍不符")


def test_customer_asks_for_a_refund_through_a_ticket(customer_a, order):
    request = _request(customer_a, order)
    ticket = Ticket.objects.get(pk=request.ticket_id)
    assert ticket.category.slug == "refund"
    assert ticket.order == order
    assert request.status == RefundStatus.REQUESTED


def test_refund_of_someone_elses_order_is_refused(customer_b, order):
    with pytest.raises(RefundError):
        _request(customer_b, order)


@pytest.mark.parametrize("amount", ["0", "-1", "299.01"])
def test_refund_amount_must_be_within_what_was_paid(customer_a, order, amount):
    with pytest.raises(RefundError):
        _request(customer_a, order, amount)


def test_one_open_refund_request_per_order(customer_a, order):
    _request(customer_a, order, "100")
    with pytest.raises(RefundError, match="already"):
        _request(customer_a, order, "100")


def test_tier2_approves_part_and_the_order_records_it(customer_a, order, tier2_agent):
    request = _request(customer_a, order)
    refund_approve(request=request, actor=tier2_agent, amount=Decimal("100.00"), note="已学习 3 节，部分退款")
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.refunded_amount == Decimal("100.00")
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.refunded_at is not None
    assert request.status == RefundStatus.APPROVED
    ticket = Ticket.objects.get(pk=request.ticket_id)
    assert ticket.status == Status.RESOLVED
    assert ticket.messages.filter(is_automatic=True).exists()


def test_the_approval_note_reaches_the_customer(customer_a, customer_a_client, order, tier2_agent):
    # given an approval with a note to the customer
    request = _request(customer_a, order)
    refund_approve(request=request, actor=tier2_agent, amount=Decimal("100.00"), note="已学习 3 节，部分退款")
    # then the customer reads it in the conversation and on the refund panel
    decision = Ticket.objects.get(pk=request.ticket_id).messages.get(is_automatic=True)
    assert decision.kind == "reply"
    assert "已学习 3 节，部分退款" in decision.body
    page = customer_a_client.get(reverse("help:ticket-detail", kwargs={"pk": request.ticket_id}))
    panel = page.content.decode().split('data-testid="refund"')[1].split("</section>")[0]
    assert "已学习 3 节，部分退款" in panel
    assert "Approved" in panel


def test_approval_cannot_exceed_paid_minus_already_refunded(customer_a, tier2_agent):
    order = OrderFactory(
        customer=customer_a,
        amount=Decimal("299.00"),
        refunded_amount=Decimal("200.00"),
        status=OrderStatus.PARTIALLY_REFUNDED,
    )
    request = _request(customer_a, order, "99.00")
    with pytest.raises(RefundError):
        refund_approve(request=request, actor=tier2_agent, amount=Decimal("99.01"))
    refund_approve(request=request, actor=tier2_agent)
    order.refresh_from_db()
    assert order.refunded_amount == order.amount
    assert order.status == OrderStatus.REFUNDED


def test_tier1_cannot_decide_refunds(customer_a, order, tier1_agent):
    request = _request(customer_a, order)
    with pytest.raises(TicketActionDenied):
        refund_approve(request=request, actor=tier1_agent)
    with pytest.raises(TicketActionDenied):
        refund_reject(request=request, actor=tier1_agent, note="no")


def test_manager_rejects_with_a_reason_and_the_order_is_untouched(customer_a, order, manager):
    request = _request(customer_a, order)
    with pytest.raises(RefundError):
        refund_reject(request=request, actor=manager, note=" ")
    refund_reject(request=request, actor=manager, note="已超过 7 天无理由退款期限，且课程已学完。")
    order.refresh_from_db()
    assert order.refunded_amount == 0
    request.refresh_from_db()
    assert request.status == RefundStatus.REJECTED


def test_a_refund_is_decided_once(customer_a, order, tier2_agent):
    request = _request(customer_a, order, "50")
    refund_approve(request=request, actor=tier2_agent)
    with pytest.raises(RefundError, match="already"):
        refund_approve(request=request, actor=tier2_agent)
    with pytest.raises(RefundError, match="already"):
        refund_reject(request=request, actor=tier2_agent, note="x")


def test_pending_orders_cannot_be_refunded(customer_a):
    order = OrderFactory(customer=customer_a, status=OrderStatus.PENDING, paid_at=None)
    with pytest.raises(RefundError):
        _request(customer_a, order, "1")
