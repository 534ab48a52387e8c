from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import customer_context_get, customer_purchases_own, customer_search
from accounts.tests.factories import (
    CustomerFactory,
    EnrollmentFactory,
    LearningActivityFactory,
    OrderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_customer_search_matches_email_name_and_platform_id(tier1_agent):
    customer = CustomerFactory(email="wang.fang@example.cn", name="王芳")
    customer.customer_profile.platform_user_id = "U123"
    customer.customer_profile.save()
    for query in ["wang.fang@example.cn", "WANG.FANG@EXAMPLE.CN", "王芳", "芳", "U123", "wang.fang@"]:
        assert list(customer_search(actor=tier1_agent, query=query)) == [customer], query


def test_customer_search_never_returns_staff(tier1_agent):
    UserFactory(email="manager@example.com", name="Boss", roles=[Role.MANAGER])
    assert list(customer_search(actor=tier1_agent, query="Boss")) == []


def test_customer_search_and_context_are_desk_only(customer_a, customer_b):
    with pytest.raises(PermissionDenied):
        customer_search(actor=customer_a, query="customer-b@example.com")
    with pytest.raises(PermissionDenied):
        customer_context_get(actor=customer_a, customer_id=customer_b.pk)


def test_customer_context_of_a_non_customer_is_not_found(tier1_agent, manager):
    with pytest.raises(Http404):
        customer_context_get(actor=tier1_agent, customer_id=manager.pk)


def test_customer_context_totals_and_weekly_learning(tier1_agent):
    # given a customer with two orders, one partly refunded, and learning this week
    customer = CustomerFactory()
    OrderFactory(customer=customer, amount="100.00")
    order = OrderFactory(customer=customer, amount="300.00", refunded_amount="50.00")
    enrollment = EnrollmentFactory(order=order)
    today = timezone.localdate()
    LearningActivityFactory(enrollment=enrollment, day=today, minutes=30, sessions=1)
    LearningActivityFactory(enrollment=enrollment, day=today - timedelta(days=70), minutes=99, sessions=9)
    # when
    ctx = customer_context_get(actor=tier1_agent, customer_id=customer.pk)
    # then
    assert ctx.total_paid == Decimal("400.00")
    assert ctx.total_refunded == Decimal("50.00")
    assert len(ctx.orders) == 2
    assert [e.pk for e in ctx.enrollments] == [enrollment.pk]
    assert sum(w.minutes for w in ctx.weekly_learning) == 30  # older than 8 weeks is left out


@pytest.mark.parametrize("orders", [1, 20])
def test_customer_context_makes_a_constant_number_of_queries(tier1_agent, django_assert_num_queries, orders):
    customer = CustomerFactory()
    for _ in range(orders):
        EnrollmentFactory(order=OrderFactory(customer=customer))
    # a first call builds the recommendation model and caches the actor's permissions
    customer_context_get(actor=tier1_agent, customer_id=customer.pk)
    # 1 customer, 1 orders, 1 enrollments, 1 weekly; 1 for the recommended courses (the
    # courses on sale; the model was checked a moment ago)
    with django_assert_num_queries(5):
        ctx = customer_context_get(actor=tier1_agent, customer_id=customer.pk)
        [(o.course.title, e.course.title) for o, e in zip(ctx.orders, ctx.enrollments, strict=True)]


def test_customers_see_only_their_own_purchases(customer_a, customer_b):
    orders, _ = customer_purchases_own(actor=customer_a)
    assert {o.customer_id for o in orders} == {customer_a.pk}
