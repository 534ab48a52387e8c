from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AgentProfile, Course, Enrollment, LearningActivity, Order, Role, User

pytestmark = pytest.mark.django_db


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _customer_snapshot() -> list[tuple]:
    return list(
        Order.objects.order_by("number").values_list(
            "number", "customer__email", "customer__name", "course__code", "amount", "status", "refunded_amount"
        )
    )


def test_seed_creates_staff_courses_and_customers_with_purchases():
    _seed(customers=40, seed=7)
    assert User.objects.filter(groups__name=Role.CUSTOMER).count() == 40
    assert AgentProfile.objects.filter(tier=1).exists()
    assert AgentProfile.objects.filter(tier=2).exists()
    assert User.objects.filter(groups__name=Role.MANAGER).exists()
    assert Course.objects.filter(language="zh-hans").exists()
    assert Course.objects.filter(language="en").exists()
    assert Order.objects.exists()
    assert Enrollment.objects.exists()
    assert LearningActivity.objects.exists()
    owner = User.objects.get(email="owner@example.com")
    assert owner.roles == {Role.AGENT, Role.MANAGER}
    assert User.objects.get(email="agent1@example.com").agent_profile.skills.exists()


def test_seed_twice_duplicates_nothing():
    _seed(customers=25, seed=7)
    counts = [m.objects.count() for m in (User, Order, Enrollment, LearningActivity, Course)]
    output = _seed(customers=25, seed=7)
    assert [m.objects.count() for m in (User, Order, Enrollment, LearningActivity, Course)] == counts
    assert "customers=0 orders=0" in output


def test_seed_is_deterministic_and_grows_without_changing_existing_customers():
    # given the data of 30 customers seeded at once
    _seed(customers=30, seed=11)
    at_once = _customer_snapshot()
    # when the same is seeded again from scratch, first 10 then 30 customers
    LearningActivity.objects.all().delete()
    Enrollment.objects.all().delete()
    Order.objects.all().delete()
    User.objects.filter(groups__name=Role.CUSTOMER).delete()
    _seed(customers=10, seed=11)
    _seed(customers=30, seed=11)
    # then the data is the same
    assert _customer_snapshot() == at_once


def test_learning_totals_are_never_below_the_daily_rows():
    _seed(customers=60, seed=3)
    for enrollment in Enrollment.objects.prefetch_related("activities"):
        assert enrollment.minutes_learned >= sum(a.minutes for a in enrollment.activities.all())
        assert enrollment.sessions_count >= sum(a.sessions for a in enrollment.activities.all())
        assert enrollment.customer_id == enrollment.order.customer_id


def test_demo_data_speaks_chinese_and_english():
    _seed(customers=60, seed=5)
    languages = set(User.objects.filter(groups__name=Role.CUSTOMER).values_list("language", flat=True))
    assert languages == {"zh-hans", "en"}


def test_tickets_without_customers_seed_the_default_customers_first(settings):
    settings.HELPDESK_DEMO_CUSTOMERS = 12
    assert "tickets=10" in _seed(customers=0, tickets=10)


def test_negative_counts_are_refused():
    with pytest.raises(CommandError):
        _seed(customers=-1)
