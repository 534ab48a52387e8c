from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Enrollment
from accounts.tests.factories import CourseFactory, EnrollmentFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_refund_cannot_exceed_the_amount_paid():
    order = OrderFactory(amount=Decimal("99.00"))
    order.refunded_amount = Decimal("99.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        order.save()


def test_refundable_amount_is_paid_minus_refunded():
    order = OrderFactory(amount=Decimal("199.00"), refunded_amount=Decimal("50.00"))
    assert order.refundable_amount == Decimal("149.00")


def test_a_customer_enrolls_in_a_course_once():
    enrollment = EnrollmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(customer=enrollment.customer, course=enrollment.course)


def test_progress_is_at_most_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrollmentFactory(progress=101)


def test_negative_price_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseFactory(price=Decimal("-1"))


def test_enrollment_factory_keeps_the_graph_consistent():
    enrollment = EnrollmentFactory()
    assert enrollment.customer == enrollment.order.customer
    assert enrollment.course == enrollment.order.course
