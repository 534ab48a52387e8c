"""Feelings: a sentiment per customer message, shown in the desk, and the rule that raises
an angry customer's priority or sends the ticket to tier 2."""

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from kb.autoanswer import ticket_auto_answer
from kb.sentiment import EXAMPLES, sentiments
from tickets.models import Priority
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db

ANGRY = ("太过分了，三天没人回复", "你们就是骗钱的，再不处理我就去投诉，气死我了")


def test_reads_negative_neutral_and_positive_messages_in_both_languages():
    texts = [
        "客服态度太差了，我要投诉，骗子平台",
        "请问怎么开发票",
        "谢谢你们，问题已经解决了",
        "Thanks a lot, it works now!",
    ]
    assert [s.label for s in sentiments(texts)] == ["negative", "neutral", "positive", "positive"]


def test_a_calm_problem_report_is_not_read_as_negative_but_an_angry_one_is():
    calm = [
        "我的银行卡付款没成功",
        "直播间黑屏了",
        "My card payment did not go through",
        "The lesson video shows a black screen",
    ]
    angry = ["退钱！你们这群骗子", "I am sick of waiting, this company is a joke"]
    assert [s.label for s in sentiments(calm + angry)] == ["neutral"] * 4 + ["negative"] * 2


def test_no_evaluation_question_is_a_training_example():
    # bench/sentiment.py --own measures the model on these questions: they may never train it
    def normal(text):
        return text.strip().lower().rstrip("?？!！。.")

    path = Path(__file__).resolve().parents[2] / "bench" / "kb_eval_questions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        questions = {normal(row["question"]) for row in csv.DictReader(handle)}
    training = {normal(text) for examples in EXAMPLES.values() for text in examples}
    assert len(questions) > 600
    assert training & questions == set()


def test_an_angry_new_ticket_gets_a_higher_priority(customer_a, settings):
    # given
    settings.HELPDESK_NEGATIVE_SENTIMENT_ACTION = "priority"
    ticket = open_ticket(customer_a, subject=ANGRY[0], body=ANGRY[1], priority=Priority.NORMAL)
    calm = open_ticket(customer_a, subject="请问怎么开发票", body="公司报销需要发票", priority=Priority.NORMAL)
    # when
    ticket_auto_answer(ticket_id=ticket.pk)
    ticket_auto_answer(ticket_id=calm.pk)
    # then
    ticket.refresh_from_db()
    calm.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.events.filter(type="tickets.ticket.priority_changed", actor=None).exists()
    assert calm.priority == Priority.NORMAL


def test_an_angry_new_ticket_can_go_to_tier_2_and_gets_no_automatic_answer(customer_a, settings):
    # given
    settings.HELPDESK_NEGATIVE_SENTIMENT_ACTION = "tier2"
    ticket = open_ticket(customer_a, subject=ANGRY[0], body=ANGRY[1])
    # when
    answered = ticket_auto_answer(ticket_id=ticket.pk)
    # then
    ticket.refresh_from_db()
    assert answered is False
    assert ticket.tier == 2
    assert ticket.events.get(type="tickets.ticket.escalated").data["rule"] == "negative_sentiment"


def test_the_desk_shows_the_mood_of_each_customer_message(customer_a, tier1_client):
    ticket = open_ticket(customer_a, subject=ANGRY[0], body=ANGRY[1])
    sidebar = tier1_client.get(reverse("desk:kb-ticket-suggestions", kwargs={"pk": ticket.pk})).content.decode()
    assert 'data-testid="kb-mood"' in sidebar
    assert "Negative" in sidebar
