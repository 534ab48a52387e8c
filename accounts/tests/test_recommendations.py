"""Personal next steps: item-item similarity from co-purchases and learning, against
popularity."""

import pytest

from accounts.models import OrderStatus
from accounts.recommendations import course_model_build, courses_recommended
from accounts.tests.factories import CourseFactory, CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_item_item_recommends_what_owners_of_the_same_courses_bought():
    # given: python+ml bought together by 2 customers; photo by 4 others (the most popular)
    rows = [(1, "python", 1.0), (1, "ml", 1.0), (2, "python", 1.0), (2, "ml", 1.0), (3, "python", 1.0)]
    rows += [(c, "photo", 1.0) for c in (4, 5, 6, 7)]
    model = course_model_build(rows)
    # when / then: the python owner gets ml first; popularity alone gives photo
    assert model.recommend({"python"}, limit=1) == ["ml"]
    assert model.recommend({"python"}, limit=1, item_item=False) == ["photo"]
    assert model.recommend(set(), limit=2) == ["photo", "python"]  # owning nothing: popularity
    assert "python" not in model.recommend({"python"})
    assert course_model_build([]).recommend({"python"}) == []  # no purchases anywhere yet


def test_courses_recommended_are_on_sale_and_not_owned(tier1_client):
    # given
    python, ml, retired = CourseFactory(), CourseFactory(), CourseFactory(is_active=False)
    for _ in range(2):
        customer = CustomerFactory()
        for course in (python, ml, retired):
            OrderFactory(customer=customer, course=course)
    OrderFactory(course=ml, status=OrderStatus.REFUNDED)  # not owned
    # when
    recommended = courses_recommended(owned={python.pk})
    # then
    assert recommended == [ml]


def test_the_ticket_page_recommends_the_customers_next_course(tier1_client, customer_a):
    from django.urls import reverse

    from tickets.tests.factories import open_ticket

    # given
    python, ml = CourseFactory(title="Python 数据分析"), CourseFactory(title="机器学习入门")
    for _ in range(2):
        customer = CustomerFactory()
        OrderFactory(customer=customer, course=python)
        OrderFactory(customer=customer, course=ml)
    OrderFactory(customer=customer_a, course=python)
    ticket = open_ticket(customer_a)
    # when
    page = tier1_client.get(reverse("desk:ticket-detail", kwargs={"pk": ticket.pk})).content.decode()
    # then
    recommended = page.split('data-testid="recommended-courses"')[1].split("</ul>")[0]
    assert "机器学习入门" in recommended
    assert 'data-testid="recommend-insert"' in recommended


@pytest.fixture(autouse=True)
def _fresh_model():
    """The model is cached per process by the tables' last ids, which a rolled back test can
    repeat with other rows."""
    from accounts import recommendations

    recommendations.course_model_forget()
    yield
    recommendations.course_model_forget()


def test_the_model_follows_new_orders_within_its_check_interval_and_refunds_within_its_age(
    monkeypatch, django_assert_num_queries
):
    from accounts import recommendations

    clock = [1000.0]
    monkeypatch.setattr(recommendations.time, "monotonic", lambda: clock[0])

    def later(seconds: float) -> None:
        clock[0] += seconds

    python, ml = CourseFactory(title="Python"), CourseFactory(title="ML")
    first = OrderFactory(customer=CustomerFactory(), course=python)
    model = recommendations.course_model()
    with django_assert_num_queries(0):  # checked a moment ago: no query at all
        assert recommendations.course_model() is model
    later(recommendations.MODEL_CHECK_SECONDS + 1)
    with django_assert_num_queries(2):  # the check reads two index ends, counts nothing
        assert recommendations.course_model() is model  # nothing changed: the cached model
    OrderFactory(customer=first.customer, course=ml)
    assert recommendations.course_model() is model  # a new order: not before the next check ...
    later(recommendations.MODEL_CHECK_SECONDS + 1)
    assert recommendations.course_model() is not model  # ... then rebuilt
    model = recommendations.course_model()
    first.status = OrderStatus.REFUNDED
    first.save(update_fields=["status"])
    later(recommendations.MODEL_CHECK_SECONDS + 1)
    assert recommendations.course_model() is model  # a refund changes no id ...
    later(recommendations.MODEL_MAX_AGE_SECONDS + 1)
    assert recommendations.course_model() is not model  # ... and is seen once the model is old
