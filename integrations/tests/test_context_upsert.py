"""The context upserts count and keep what they should, on both write paths (set-based on
PostgreSQL, read-then-write elsewhere): the same tests run on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.models import Course, CustomerProfile, Enrollment, Order, Role, User
from accounts.services import customer_create, customer_get_or_create
from integrations.services.context import context_upsert

pytestmark = pytest.mark.django_db


def counts(resource: str, items: list) -> tuple[int, int, int, list]:
    result = context_upsert(resource=resource, items=items).as_dict()
    return result["created"], result["updated"], result["unchanged"], result["errors"]


@pytest.fixture
def context():
    context_upsert(
        resource="customers",
        items=[
            {"external_id": "u1", "email": "a@example.cn", "name": "A"},
            {"external_id": "u2", "email": "b@example.cn", "name": "B"},
        ],
    )
    courses = [{"external_id": "c1", "title": "One"}, {"external_id": "c2", "title": "Two"}]
    context_upsert(resource="courses", items=courses)


def test_a_customer_first_known_by_email_in_another_case_is_one_customer():
    from_ticket = customer_get_or_create(email="Li.Lei@Example.cn", name="Lei")
    assert counts("customers", [{"external_id": "u1", "email": "li.lei@example.cn", "vip": True}]) == (0, 1, 0, [])
    assert User.objects.filter(email__iexact="li.lei@example.cn").count() == 1
    from_ticket.refresh_from_db()
    assert (from_ticket.email, from_ticket.name) == ("li.lei@example.cn", "Lei")  # name not sent: kept
    assert (from_ticket.customer_profile.platform_user_id, from_ticket.customer_profile.is_vip) == ("u1", True)
    assert counts("customers", [{"external_id": "u1", "email": "LI.LEI@example.cn", "vip": True}]) == (0, 0, 1, [])


def test_an_account_without_a_profile_gets_one_and_each_new_customer_holds_the_role():
    bare = User.objects.create_user(email="bare@example.cn")
    bare.groups.add(Group.objects.get(name=Role.CUSTOMER))
    result = counts(
        "customers",
        [
            {"external_id": "u1", "email": "bare@example.cn", "phone": "138"},
            {"external_id": "u2", "email": "new@example.cn"},
        ],
    )
    assert result == (1, 1, 0, [])
    assert CustomerProfile.objects.get(user=bare).phone == "138"
    new = User.objects.get(email="new@example.cn")
    assert new.roles == {Role.CUSTOMER}
    assert not new.has_usable_password()
    assert (new.customer_profile.platform_user_id, new.customer_profile.phone) == ("u2", "")


def test_a_changed_address_moves_with_the_customer_and_taken_addresses_are_refused():
    customer_create(email="taken@example.cn")
    context_upsert(resource="customers", items=[{"external_id": "u1", "email": "old@example.cn"}])
    result = counts(
        "customers",
        [
            {"external_id": "u1", "email": "new@example.cn"},
            {"external_id": "u2", "email": "new2@example.cn"},
            {"external_id": "u3", "email": "Taken@example.cn"},  # a customer from a ticket: becomes u3
        ],
    )
    assert result == (1, 2, 0, [])
    assert CustomerProfile.objects.get(platform_user_id="u1").user.email == "new@example.cn"
    assert CustomerProfile.objects.get(platform_user_id="u3").user.email == "taken@example.cn"
    result = counts("customers", [{"external_id": "u2", "email": "new@example.cn"}])
    assert result[:3] == (0, 0, 0)
    assert result[3][0]["errors"] == {"email": ["Another account has this email address."]}


def test_courses_keep_what_an_item_leaves_out():
    assert counts("courses", [{"external_id": "c1", "title": "One", "price": "10.00", "kind": "live"}]) == (1, 0, 0, [])
    assert counts("courses", [{"external_id": "c1", "title": "One, again"}]) == (0, 1, 0, [])
    course = Course.objects.get(code="c1")
    assert (course.title, course.price, course.kind) == ("One, again", Decimal("10.00"), "live")
    assert counts("courses", [{"external_id": "c1", "title": "One, again", "price": "10.0"}]) == (0, 0, 1, [])
    assert counts("courses", [{"external_id": "c2", "title": "Free"}]) == (1, 0, 0, [])
    assert Course.objects.get(code="c2").price == 0


def test_orders_count_each_change_and_keep_what_an_item_leaves_out(context):
    order = {"external_id": "O-1", "customer": "u1", "course": "c1", "amount": "99.00"}
    paid = {**order, "paid_at": "2026-03-01T10:00:00+08:00"}
    assert counts("orders", [paid, {**order, "external_id": "O-2"}]) == (2, 0, 0, [])
    stored = Order.objects.get(number="O-1")
    assert stored.created_at == stored.paid_at == datetime(2026, 3, 1, 2, tzinfo=UTC)
    assert Order.objects.get(number="O-2").status == "paid"
    refund = {**order, "status": "refunded", "refunded_amount": "99.00", "refunded_at": "2026-03-02T10:00:00+08:00"}
    assert counts("orders", [refund, {**order, "external_id": "O-2"}]) == (0, 1, 1, [])
    stored.refresh_from_db()
    assert (stored.status, stored.refunded_amount, stored.paid_at) == (
        "refunded",
        Decimal("99.00"),
        datetime(2026, 3, 1, 2, tzinfo=UTC),  # paid_at not sent: kept
    )
    assert counts("orders", [{**refund, "customer": "u2", "course": "c2"}]) == (0, 1, 0, [])
    assert Order.objects.get(number="O-1").customer.email == "b@example.cn"
    assert counts("orders", [{**refund, "customer": "u2", "course": "c2", "paid_at": None}]) == (0, 1, 0, [])
    assert Order.objects.get(number="O-1").paid_at is None


def test_an_enrollment_is_completed_once_at_its_last_activity(context):
    item = {"customer": "u1", "course": "c1", "progress": 40, "minutes": 30}
    assert counts("enrollments", [item]) == (1, 0, 0, [])
    assert Enrollment.objects.get().completed_at is None
    done = {**item, "progress": 100, "last_active_at": "2026-03-01T10:00:00+08:00"}
    assert counts("enrollments", [done]) == (0, 1, 0, [])
    enrollment = Enrollment.objects.get()
    assert enrollment.completed_at == datetime(2026, 3, 1, 2, tzinfo=UTC)
    assert counts("enrollments", [{**done, "last_active_at": "2026-03-09T10:00:00+08:00"}]) == (0, 1, 0, [])
    enrollment.refresh_from_db()
    assert enrollment.completed_at == datetime(2026, 3, 1, 2, tzinfo=UTC)  # completed once
    assert counts("enrollments", [{"customer": "u1", "course": "c1", "sessions": 4}]) == (0, 1, 0, [])
    enrollment.refresh_from_db()
    assert (enrollment.progress, enrollment.minutes_learned, enrollment.sessions_count) == (100, 30, 4)
    assert counts("enrollments", [{"customer": "u1", "course": "c1", "sessions": 4}]) == (0, 0, 1, [])
    assert counts("enrollments", [{"customer": "u2", "course": "c2", "progress": 100}])[:3] == (1, 0, 0)
    assert Enrollment.objects.get(customer__email="b@example.cn").completed_at is not None
