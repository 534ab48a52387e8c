"""The bigram function behind the desk search's PostgreSQL indexes (migrations 0011, 0018):
the faster version must yield the same set of bigrams as the one the indexes were first
built with, or an existing index would miss rows."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the function exists on PostgreSQL only"),
]

FORMER = """
SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
FROM (SELECT %s::text AS t) s, generate_series(1, char_length(t) - 1) AS i
"""

TEXTS = [
    "",
    "a",
    "ab",
    "发票",
    "请帮我开电子发票，抬头写公司名。",
    "Invoice TITLE checked with finance.",
    "line one\nline two\r\n第二行 Ünïcödé ÀB",
    "aaaa 发发发",
    "x" * 3001,
]


@pytest.mark.parametrize("text", TEXTS)
def test_bigrams_are_the_former_set(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ticket_bigrams(%s)", [text])
        now = cursor.fetchone()[0]
        cursor.execute(FORMER, [text])
        before = cursor.fetchone()[0]
    assert set(now) == set(before)
    assert all(len(bigram) == 2 for bigram in now)


@pytest.mark.parametrize("text", TEXTS)
def test_the_ascii_part_holds_every_ascii_text_the_body_holds(text):
    """Migration 0023's index is a filter before the LIKE: any ASCII text found in a body
    (any case) must be in the body's ASCII part, or the search would miss that body."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ticket_ascii(%s)", [text])
        ascii_part = cursor.fetchone()[0]
    assert ascii_part.isascii()
    assert ascii_part == ascii_part.lower()
    words = {text[i:j].lower() for i in range(len(text)) for j in range(i + 3, min(len(text), i + 12) + 1)}
    assert all(word in ascii_part for word in words if word.isascii())
