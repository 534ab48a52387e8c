"""The plain validation path gives DRF's answer: it accepts only items whose values it
is sure of, with the same validated data, and leaves every other item to DRF."""

from datetime import date

import pytest
from rest_framework import serializers

from integrations.items import ITEMS, LearningActivityItem, plain_validator

GOOD = {"customer": "u1", "course": "c1", "date": "2026-03-01", "minutes": 30, "sessions": 2}


def drf(item: dict) -> dict | None:
    try:
        return dict(LearningActivityItem().run_validation(item))
    except serializers.ValidationError:
        return None


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"sessions": None},  # a null where a number belongs
        {"extra": "ignored"},
        {"customer": "  u1  "},
        {"customer": "u" * 64},
        {"customer": "u" * 65},
        {"customer": ""},
        {"customer": "   "},
        {"customer": "学员1"},
        {"customer": "u\x001"},
        {"customer": 17},
        {"customer": True},
        {"customer": None},
        {"course": ["c1"]},
        {"date": "2026-02-30"},
        {"date": "20260301"},
        {"date": "2026-W09-7"},
        {"date": "2026-3-1"},
        {"date": "2026-03-01T10:00:00"},
        {"date": 20260301},
        {"minutes": 0},
        {"minutes": 1440},
        {"minutes": 1441},
        {"minutes": -1},
        {"minutes": "30"},
        {"minutes": 30.0},
        {"minutes": 30.5},
        {"minutes": True},
        {"sessions": 10_000},
        {"sessions": 10_001},
    ],
)
def test_the_plain_path_agrees_with_drf(change):
    item = {**GOOD, **change}
    plain = plain_validator(LearningActivityItem())
    assert plain is not None
    answer = plain(item)
    assert answer is None or answer == drf(item)
    plain_kinds = ({}, {"extra": "ignored"}, {"customer": "  u1  "}, {"customer": "u" * 64}, {"minutes": 0})
    plain_kinds += ({"minutes": 1440}, {"sessions": 10_000}, {"customer": "学员1"})
    assert (answer is not None) == (change in plain_kinds)


@pytest.mark.parametrize("missing", ["customer", "course", "date", "minutes", "sessions"])
def test_missing_fields_are_for_drf_unless_optional(missing):
    item = {k: v for k, v in GOOD.items() if k != missing}
    answer = plain_validator(LearningActivityItem())(item)
    assert answer == (drf(item) if missing == "sessions" else None)


def test_the_common_item_takes_the_plain_path():
    answer = plain_validator(LearningActivityItem())({**GOOD, "customer": " u1 "})
    assert answer == {"customer": "u1", "course": "c1", "date": date(2026, 3, 1), "minutes": 30, "sessions": 2}


def _drf(resource: str, item: dict) -> dict | None:
    try:
        return dict(ITEMS[resource]().run_validation(item))
    except serializers.ValidationError:
        return None


ORDER = {
    "external_id": "O-1",
    "customer": "u1",
    "course": "c1",
    "amount": "199.00",
    "paid_at": "2026-03-01T10:00:00+08:00",
    "status": "refunded",
    "refunded_amount": "199.00",
    "refunded_at": "2026-03-02T10:00:00Z",
    "access_expires_at": None,
}
CUSTOMER = {"external_id": "u1", "email": "li.lei@example.cn", "name": "李雷", "language": "en", "vip": True}


@pytest.mark.parametrize(
    ("change", "plain"),
    [
        ({}, True),
        ({"amount": "199"}, True),
        ({"amount": "199.5"}, True),
        ({"amount": "199.001"}, False),  # more places than the field keeps
        ({"amount": "123456789.00"}, False),  # more digits than it keeps
        ({"amount": "-1.00"}, False),
        ({"amount": " 199.00"}, False),
        ({"amount": "1e2"}, False),
        ({"amount": "NaN"}, False),
        ({"amount": 199}, False),
        ({"amount": 199.0}, False),
        ({"refunded_amount": "200.00"}, False),  # more than the amount: validate() objects
        ({"paid_at": "2026-03-01T10:00:00"}, True),  # naive: the current time zone's
        ({"paid_at": "2026-03-01 10:00"}, True),
        ({"paid_at": "2026-02-30T10:00:00Z"}, False),
        ({"paid_at": "yesterday"}, False),
        ({"paid_at": ""}, False),
        ({"paid_at": None}, True),
        ({"paid_at": 1772330400}, False),
        ({"status": "paid"}, True),
        ({"status": "pending"}, False),  # not a choice a platform sends
        ({"status": "PAID"}, False),
        ({"status": None}, False),
        ({"currency": "CNY"}, True),
        ({"currency": "CN"}, False),
        ({"amount": None}, False),
    ],
)
def test_the_plain_path_agrees_with_drf_on_orders(change, plain):
    item = {**ORDER, **change}
    answer = plain_validator(ITEMS["orders"]())(item)
    assert answer is None or answer == _drf("orders", item)
    assert (answer is not None) == plain


@pytest.mark.parametrize(
    ("change", "plain"),
    [
        ({}, True),
        ({"email": " Li.Lei@Example.cn "}, True),
        ({"email": "not an address"}, False),
        ({"email": "li.lei@例子.cn"}, True),
        ({"email": "li.lei@\ud800.cn"}, False),  # a lone surrogate
        ({"email": "a" * 250 + "@x.cn"}, False),
        ({"email": ""}, False),
        ({"vip": False}, True),
        ({"vip": "true"}, False),  # valid, but left to DRF
        ({"vip": 1}, False),
        ({"language": "zh-hans"}, True),
        ({"language": "fr"}, False),
        ({"name": ""}, True),
        ({"name": "   "}, True),
        ({"name": "学员\x001"}, False),
        ({"name": "学" * 151}, False),
        ({"phone": "138"}, True),
    ],
)
def test_the_plain_path_agrees_with_drf_on_customers(change, plain):
    item = {**CUSTOMER, **change}
    answer = plain_validator(ITEMS["customers"]())(item)
    assert answer is None or answer == _drf("customers", item)
    assert (answer is not None) == plain
