"""Content gaps: tickets no article answers, grouped into topics."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kb.gaps import content_gaps
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
