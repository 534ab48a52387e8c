from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import OrderStatus
from accounts.tests.factories import CustomerFactory, EnrollmentFactory, OrderFactory
from analytics.selectors import business_overview

pytestmark = pytest.mark.django_db


def test_overview_without_data_says_no_data_not_zero():
    overview = business_overview()
    assert overview.customers == 0
    assert overview.revenue is None
    assert overview.refunded is None


def test_overview_counts_the_last_30_days_only():
    # given
    now = timezone.now()
    old = CustomerFactory(date_joined=now - timedelta(days=90))
    new = CustomerFactory(date_joined=now - timedelta(days=3))
    OrderFactory(customer=old, amount=Decimal("100"), paid_at=now - timedelta(days=40))
    OrderFactory(customer=new, amount=Decimal("200"), paid_at=now - timedelta(days=2))
    OrderFactory(customer=new, amount=Decimal("50"), paid_at=None, status=OrderStatus.PENDING)
    OrderFactory(
        customer=old,
        amount=Decimal("80"),
        paid_at=now - timedelta(days=5),
        refunded_amount=Decimal("30"),
        refunded_at=now - timedelta(days=1),
        status=OrderStatus.PARTIALLY_REFUNDED,
    )
    EnrollmentFactory(
        order=OrderFactory(customer=new, paid_at=now - timedelta(days=60)), last_active_at=now - timedelta(days=1)
    )
    EnrollmentFactory(
        order=OrderFactory(customer=old, paid_at=now - timedelta(days=60)), last_active_at=now - timedelta(days=20)
    )
    # when
    overview = business_overview(now=now)
    # then
    assert overview.customers == 2
    assert overview.new_customers == 1
    assert overview.paid_orders == 2
    assert overview.revenue == Decimal("280")
    assert overview.refunded == Decimal("30")
    assert overview.active_learners == 1
