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
    plain_kinds += ({"minutes": 1440}, {"sessions": 10_000})
    assert (answer is not None) == (change in plain_kinds)


@pytest.mark.parametrize("missing", ["customer", "course", "date", "minutes", "sessions"])
def test_missing_fields_are_for_drf_unless_optional(missing):
    item = {k: v for k, v in GOOD.items() if k != missing}
    answer = plain_validator(LearningActivityItem())(item)
    assert answer == (drf(item) if missing == "sessions" else None)


def test_the_common_item_takes_the_plain_path():
    answer = plain_validator(LearningActivityItem())({**GOOD, "customer": " u1 "})
    assert answer == {"customer": "u1", "course": "c1", "date": date(2026, 3, 1), "minutes": 30, "sessions": 2}


def test_serializers_with_rules_of_their_own_keep_drf():
    assert plain_validator(ITEMS["orders"]()) is None  # its validate() compares two fields
    assert plain_validator(ITEMS["customers"]()) is None  # an e-mail field
