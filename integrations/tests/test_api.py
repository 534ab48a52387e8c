"""The integration API: bulk, idempotent upserts by the platform's ids; bad items named,
good ones landed; one customer whether first known by e-mail or by the platform; keys
revocable and rate-limited."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Course, CustomerProfile, Enrollment, LearningActivity, Order, Role, User
from accounts.services import customer_get_or_create
from accounts.tests.factories import agent
from integrations.models import ApiKey
from integrations.services.keys import api_key_revoke

pytestmark = pytest.mark.django_db


def url(resource: str) -> str:
    return reverse(f"api:integration-{resource}")


CUSTOMERS = [
    {"external_id": "u1", "email": "Li.Lei@Example.cn", "name": "李雷", "phone": "13800000000", "language": "zh-hans"},
    {"external_id": "u2", "email": "han.meimei@example.cn", "name": "韩梅梅", "vip": True},
]
COURSES = [
    {"external_id": "py-101", "title": "Python 入门", "kind": "course", "price": "199.00", "currency": "CNY"},
    {"external_id": "vip-year", "title": "年度会员", "kind": "membership", "price": "999.00"},
]
ORDERS = [
    {
        "external_id": "O-1",
        "customer": "u1",
        "course": "py-101",
        "amount": "199.00",
        "paid_at": "2026-03-01T10:00:00+08:00",
    },
    {
        "external_id": "O-2",
        "customer": "u2",
        "course": "vip-year",
        "amount": "999.00",
        "status": "partially_refunded",
        "refunded_amount": "300.00",
        "refunded_at": "2026-03-05T10:00:00+08:00",
        "access_expires_at": "2027-03-01T00:00:00+08:00",
    },
]


def _push(platform: APIClient, resource: str, items: list) -> tuple[int, dict]:
    response = platform.put(url(resource), {"items": items}, format="json")
    return response.status_code, response.json()


def test_a_platform_pushes_its_context_and_the_same_batch_twice_changes_nothing(platform):
    assert _push(platform, "customers", CUSTOMERS) == (200, {"created": 2, "updated": 0, "unchanged": 0, "errors": []})
    assert _push(platform, "courses", COURSES)[1]["created"] == 2
    assert _push(platform, "orders", ORDERS)[1]["created"] == 2
    enrollments = [{"customer": "u1", "course": "py-101", "progress": 100, "minutes": 300, "sessions": 12}]
    assert _push(platform, "enrollments", enrollments)[1]["created"] == 1
    days = [
        {"customer": "u1", "course": "py-101", "date": f"2026-03-{d:02d}", "minutes": 30, "sessions": 1}
        for d in range(1, 8)
    ]
    days.append({"customer": "u2", "course": "vip-year", "date": "2026-03-02", "minutes": 5})
    assert _push(platform, "learning-activity", days)[1]["created"] == 8

    for resource, items in [
        ("customers", CUSTOMERS),
        ("courses", COURSES),
        ("orders", ORDERS),
        ("enrollments", enrollments),
        ("learning-activity", days),
    ]:
        assert _push(platform, resource, items) == (
            200,
            {"created": 0, "updated": 0, "unchanged": len(items), "errors": []},
        ), resource

    li = User.objects.get(email="li.lei@example.cn")
    assert li.roles == {Role.CUSTOMER}
    assert li.customer_profile.platform_user_id == "u1"
    assert li.customer_profile.phone == "13800000000"
    assert User.objects.get(email="han.meimei@example.cn").customer_profile.is_vip
    order = Order.objects.get(number="O-2")
    assert (order.status, order.refunded_amount, order.course.code) == (
        "partially_refunded",
        Decimal("300.00"),
        "vip-year",
    )
    assert Enrollment.objects.get(customer=li).completed_at is not None
    assert LearningActivity.objects.filter(enrollment__customer=li).count() == 7
    assert Enrollment.objects.filter(customer__email="han.meimei@example.cn").count() == 1  # made for its learning


def test_changes_are_updates_and_absent_fields_stay(platform):
    _push(platform, "customers", CUSTOMERS)
    status, body = _push(platform, "customers", [{"external_id": "u1", "email": "li.lei@example.cn", "vip": True}])
    assert body == {"created": 0, "updated": 1, "unchanged": 0, "errors": []}
    profile = CustomerProfile.objects.get(platform_user_id="u1")
    assert profile.is_vip
    assert profile.user.name == "李雷"  # not sent: kept


def test_learning_days_are_counted_one_by_one_and_absent_sessions_stay(platform):
    _push(platform, "customers", CUSTOMERS)
    _push(platform, "courses", COURSES)
    day = {"customer": "u1", "course": "py-101"}
    first = [
        {**day, "date": "2026-03-01", "minutes": 30, "sessions": 2},
        {**day, "date": "2026-03-02", "minutes": 40, "sessions": 3},
        {**day, "date": "2026-03-03", "minutes": 50},
    ]
    assert _push(platform, "learning-activity", first)[1] == {"created": 3, "updated": 0, "unchanged": 0, "errors": []}
    again = [
        {**day, "date": "2026-03-01", "minutes": 30, "sessions": 2},  # the same
        {**day, "date": "2026-03-02", "minutes": 40},  # the same minutes, sessions left out
        {**day, "date": "2026-03-03", "minutes": 55, "sessions": 0},  # more minutes
        {**day, "date": "2026-03-04", "minutes": 10},  # new
        {**day, "date": "2026-03-02", "minutes": 41},  # twice in the batch
        {**day, "date": "2026-03-05", "minutes": 1441},  # more than a day
    ]
    status, body = _push(platform, "learning-activity", again)
    assert (status, body["created"], body["updated"], body["unchanged"]) == (200, 1, 1, 2)
    assert [(e["index"], list(e["errors"])) for e in body["errors"]] == [(4, ["date"]), (5, ["minutes"])]
    stored = LearningActivity.objects.filter(enrollment__customer__customer_profile__platform_user_id="u1")
    rows = sorted(stored.values_list("day__day", "minutes", "sessions"))
    assert rows == [(1, 30, 2), (2, 40, 3), (3, 55, 0), (4, 10, 0)]


def test_a_bad_item_never_blocks_the_good_ones(platform):
    _push(platform, "customers", CUSTOMERS)
    _push(platform, "courses", COURSES)
    status, body = _push(
        platform,
        "orders",
        [
            ORDERS[0],
            {"external_id": "O-3", "customer": "nobody", "course": "py-101", "amount": "1.00"},
            {"external_id": "O-4", "customer": "u1", "course": "py-101", "amount": "-5"},
            {"external_id": "O-5", "customer": "u1", "course": "py-101", "amount": "5.00", "refunded_amount": "6.00"},
            "not an object",
            ORDERS[0],
        ],
    )
    assert status == 200
    assert body["created"] == 1
    assert [e["index"] for e in body["errors"]] == [1, 2, 3, 4, 5]
    assert "customer" in body["errors"][0]["errors"]
    assert "amount" in body["errors"][1]["errors"]
    assert "refunded_amount" in body["errors"][2]["errors"]
    assert Order.objects.filter(number="O-1").exists()

    status, body = _push(platform, "orders", [{"external_id": "O-9"}])
    assert status == 422
    assert body["created"] == 0
    assert body["errors"][0]["index"] == 0


def test_a_customer_first_known_by_email_is_one_customer(platform):
    from_ticket = customer_get_or_create(email="li.lei@example.cn", name="Lei")
    _push(platform, "customers", CUSTOMERS[:1])
    assert User.objects.filter(email="li.lei@example.cn").count() == 1
    from_ticket.refresh_from_db()
    assert from_ticket.customer_profile.platform_user_id == "u1"
    assert from_ticket.name == "李雷"


def test_staff_addresses_and_taken_addresses_are_refused(platform):
    agent("agent@example.com")
    _push(platform, "customers", CUSTOMERS)
    status, body = _push(
        platform,
        "customers",
        [
            {"external_id": "u9", "email": "agent@example.com"},
            {"external_id": "u1", "email": "han.meimei@example.cn"},
            {"external_id": "u8", "email": "li.lei@example.cn"},
        ],
    )
    assert status == 422
    assert [list(e["errors"]) for e in body["errors"]] == [["email"], ["email"], ["email"]]
    assert User.objects.get(email="agent@example.com").roles == {Role.AGENT}


def test_the_platform_reads_a_customer_back(platform):
    _push(platform, "customers", CUSTOMERS)
    _push(platform, "courses", COURSES)
    _push(platform, "orders", ORDERS)
    response = platform.get(reverse("api:integration-customer-detail", kwargs={"external_id": "u2"}))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "han.meimei@example.cn"
    assert body["vip"] is True
    assert [o["external_id"] for o in body["orders"]] == ["O-2"]
    assert body["total_refunded"] == "300.00"
    assert platform.get(reverse("api:integration-customer-detail", kwargs={"external_id": "u404"})).status_code == 404


def test_bodies_that_are_not_a_batch_are_400(platform):
    assert platform.put(url("courses"), {"items": "x"}, format="json").status_code == 400
    assert platform.put(url("courses"), [1, 2], format="json").status_code == 400
    too_many = [{"external_id": f"c{i}", "title": "t"} for i in range(1001)]
    assert platform.put(url("courses"), {"items": too_many}, format="json").status_code == 400
    assert platform.put(url("courses"), "{", content_type="application/json").status_code == 400
    assert not Course.objects.exists()


def test_keys_are_required_revocable_and_never_open_the_rest_of_the_api(integration, platform, customer_a_client):
    assert APIClient().put(url("courses"), {"items": []}, format="json").status_code == 401
    assert customer_a_client.put(url("courses"), {"items": []}, format="json").status_code == 401  # a person: no
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION=f"Bearer {integration.key[:-2]}xx")
    assert wrong.put(url("courses"), {"items": []}, format="json").status_code == 401
    assert platform.get(reverse("api:ticket-list")).status_code in (401, 403)
    api_key_revoke(api_key=ApiKey.objects.get())
    assert platform.put(url("courses"), {"items": []}, format="json").status_code == 401
    assert ApiKey.objects.get().key_hash != integration.key  # only a hash is stored


def test_over_the_rate_limit_is_429_with_retry_after(integration, platform):
    cache.clear()
    integration.rate_limit_per_minute = 3
    integration.save()
    codes = [platform.put(url("courses"), {"items": []}, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = platform.put(url("courses"), {"items": []}, format="json")
    assert int(refused["Retry-After"]) > 0


def test_integration_create_prints_the_key_and_secrets_once(capsys):
    call_command("integration_create", "Shop")
    out = capsys.readouterr().out
    key = out.split("key=")[1].split()[0]
    assert "jwt_secret=" in out
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.put(url("courses"), {"items": []}, format="json").status_code == 200
