"""Content gaps: tickets and help-center searches no article answers, grouped into topics."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from kb.gaps import content_gaps, search_gaps
from kb.services import search_click_record, search_record
from kb.tests.factories import article
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_unanswered_questions_are_grouped_into_topics_and_answered_ones_left_out(customer_a):
    # given: a refund article; refund questions, and two kinds of questions nothing answers
    article("如何申请退款", "在“我的订单”中选择订单，点击申请退款，审核通过后原路退回。", language="zh-hans")
    open_ticket(customer_a, subject="怎么申请退款", body="课程买错了，想申请退款")
    for subject in ("直播间背景音乐怎么换", "怎么修改直播间的背景音乐", "直播的背景音乐能换吗"):
        open_ticket(customer_a, subject=subject, body=subject)
    open_ticket(customer_a, subject="Can I become a teacher on your platform?", body="I want to teach a course.")
    now = timezone.now()
    # when
    gaps = content_gaps(start=now - timedelta(hours=1), end=now + timedelta(hours=1))
    # then
    assert gaps["tickets"] == 5
    assert gaps["unanswered"] == 4
    biggest = gaps["topics"][0]
    assert biggest["questions"] == 3
    assert "背景音乐" in biggest["title"]
    assert len(biggest["examples"]) == 2
    assert all("退款" not in topic["title"] for topic in gaps["topics"])


def test_no_tickets_is_no_data(db):
    now = timezone.now()
    assert content_gaps(start=now - timedelta(hours=1), end=now) is None


def _searches(query: str, *, times: int, at, results: int = 3, opened=None) -> None:
    for _ in range(times):
        token = uuid.uuid4()
        search_record(token=token, query=query, results=results, language="zh-hans", created_at=at)
        if opened is not None:
            assert search_click_record(token=str(token), article=opened)


def test_searches_that_opened_no_article_are_grouped_into_topics_by_how_often_they_were_searched(db):
    # given: refund searches that opened the refund article; background-music searches and a
    # teacher search that opened nothing (some found nothing at all); one search last week
    refund = article("如何申请退款", "在“我的订单”中选择订单，点击申请退款。", language="zh-hans")
    at = datetime(2026, 3, 11, 10, tzinfo=UTC)
    _searches("怎么申请退款", times=4, at=at, opened=refund)
    _searches("直播间背景音乐怎么换", times=3, at=at, results=0)
    _searches("怎么修改直播间的背景音乐", times=2, at=at)
    _searches("Can I become a teacher on your platform?", times=1, at=at)
    _searches("直播间背景音乐怎么换", times=5, at=at - timedelta(days=7))
    # when
    gaps = search_gaps(start=at - timedelta(hours=1), end=at + timedelta(hours=1))
    # then: 10 searches, 6 opened nothing (3 of them found nothing), 3 of 4 texts unanswered
    assert gaps["searches"] == 10
    assert gaps["without_click"] == 6
    assert gaps["without_result"] == 3
    assert (gaps["texts"], gaps["unanswered_texts"]) == (4, 3)
    biggest = gaps["topics"][0]
    assert biggest == {
        "title": "直播间背景音乐怎么换",
        "searches": 5,
        "without_result": 3,
        "examples": ["怎么修改直播间的背景音乐"],
    }
    assert [topic["title"] for topic in gaps["topics"][1:]] == ["can i become a teacher on your platform?"]
    assert search_gaps(start=at + timedelta(hours=1), end=at + timedelta(hours=2)) is None
