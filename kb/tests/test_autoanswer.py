"""Smart answers on new tickets: the automatic answer, the customer's "solved" (a
deflection) and "not solved" (back to tier 1, no SLA time lost), the desk sidebar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kb.autoanswer import ticket_auto_answer
from kb.models import Article, ArticleStatus, AutoAnswerRule
from kb.tests.factories import KBCategoryFactory, article
from kb.triage import triage_train_from_tickets
from tickets.models import Status, Ticket
from tickets.services import ticket_customer_confirm
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def smart_answers(triage_tickets):
    """A trained model, a refund article, and refunds marked auto-answerable."""
    triage_train_from_tickets()
    kb_refunds = KBCategoryFactory(slug="kb-refunds", name_en="Refunds", ticket_category=category("refund"))
    refund_article = article(
        "如何申请退款", "在“我的订单”里选择订单，点击申请退款。", category=kb_refunds, language="zh-hans"
    )
    rule = AutoAnswerRule.objects.create(category=category("refund"), is_auto_answerable=True, min_confidence=0.5)
    return refund_article, rule


def _new_refund_ticket(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer, subject="想申请退款", body="课程买错了，想退款")
    return Ticket.objects.get(pk=ticket.pk)


def test_confident_prediction_answers_automatically_and_waits_on_the_customer(
    smart_answers, customer_a, django_capture_on_commit_callbacks
):
    # when a new refund ticket comes in (any channel goes through ticket_open)
    ticket = _new_refund_ticket(customer_a, django_capture_on_commit_callbacks)
    # then
    refund_article, _ = smart_answers
    assert ticket.status == Status.PENDING
    assert ticket.auto_answered_at is not None
    assert ticket.category.slug == "refund"
    answer = ticket.messages.get(is_automatic=True)
    assert f"/articles/{refund_article.pk}/" in answer.body
    assert ticket.first_responded_at is None  # an automatic answer is no first response
    assert ticket.events.filter(type="tickets.ticket.triaged").exists()
    assert ticket_auto_answer(ticket_id=ticket.pk) is False  # idempotent


def test_solved_resolves_the_ticket_as_deflected(smart_answers, customer_a, django_capture_on_commit_callbacks):
    ticket = _new_refund_ticket(customer_a, django_capture_on_commit_callbacks)
    # when
    ticket_customer_confirm(ticket=ticket, customer=customer_a, solved=True)
    # then
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.deflected_at is not None
    assert ticket.events.filter(type="tickets.ticket.deflected").exists()


# A Wednesday morning in Beijing: the refund SLA counts business hours (09:00–21:00), so the
# two hours the customer took must fall inside them for the pause to be worth anything.
BUSINESS_MORNING = datetime(2026, 6, 17, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(BUSINESS_MORNING, tick=False)
def test_not_solved_goes_to_the_tier1_queue_without_sla_penalty(
    smart_answers, customer_a, django_capture_on_commit_callbacks
):
    ticket = _new_refund_ticket(customer_a, django_capture_on_commit_callbacks)
    due_before = ticket.first_response_due_at
    # when the customer answers two hours later
    with time_machine.travel(BUSINESS_MORNING + timedelta(hours=2), tick=False):
        ticket_customer_confirm(ticket=ticket, customer=customer_a, solved=False)
    # then
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.tier == 1
    assert ticket.deflected_at is None
    assert ticket.sla_paused_at is None
    assert ticket.sla_paused_minutes > 0
    assert ticket.first_response_due_at > due_before  # the wait does not count against the SLA
    assert ticket in Ticket.objects.filter(status=Status.OPEN, tier=1)


def test_below_the_threshold_nothing_is_sent_and_agents_see_suggestions(
    smart_answers, customer_a, tier1_client, django_capture_on_commit_callbacks
):
    # given a threshold no prediction reaches
    refund_article, rule = smart_answers
    rule.min_confidence = 1.0
    rule.save()
    # when
    ticket = _new_refund_ticket(customer_a, django_capture_on_commit_callbacks)
    # then
    assert ticket.status != Status.PENDING
    assert ticket.auto_answered_at is None
    assert not ticket.messages.filter(is_automatic=True).exists()
    sidebar = tier1_client.get(reverse("desk:kb-ticket-suggestions", kwargs={"pk": ticket.pk})).content.decode()
    assert "Predicted category: Refund" in sidebar
    assert refund_article.title in sidebar
    assert "Insert into reply" in sidebar
    page = tier1_client.get(reverse("desk:ticket-detail", kwargs={"pk": ticket.pk})).content.decode()
    assert reverse("desk:kb-ticket-suggestions", kwargs={"pk": ticket.pk}) in page


def test_category_not_auto_answerable_is_left_to_agents(smart_answers, customer_a, django_capture_on_commit_callbacks):
    _, rule = smart_answers
    rule.is_auto_answerable = False
    rule.save()
    ticket = _new_refund_ticket(customer_a, django_capture_on_commit_callbacks)
    assert ticket.auto_answered_at is None


def test_agent_turns_a_reply_into_a_draft_article(smart_answers, customer_a, tier1_agent, tier1_client):
    from tickets.services import ticket_reply

    ticket = open_ticket(customer_a, subject="视频黑屏", body="打开第三课就黑屏", category=category("refund"))
    reply = ticket_reply(ticket=ticket, author=tier1_agent, body="请在设置里关闭硬件加速，然后重新打开课程。")
    response = tier1_client.post(reverse("desk:kb-draft-from-message", kwargs={"pk": reply.pk}))
    assert response.status_code == 302
    draft = Article.objects.get(title="视频黑屏")
    assert draft.status == ArticleStatus.DRAFT
    assert draft.language == "zh-hans"
    assert draft.revisions.count() == 1
    customer_message = ticket.messages.get(from_customer=True)
    refused = tier1_client.post(reverse("desk:kb-draft-from-message", kwargs={"pk": customer_message.pk}))
    assert refused.status_code == 302
    assert Article.objects.count() == 2  # the refund article and the draft only


def test_never_answers_what_the_model_calls_out_of_scope(smart_answers, customer_a, monkeypatch):
    # given: a refund ticket the model would answer, but its threshold calls everything out of scope
    from kb import triage

    triage_predict = triage.triage_predict
    monkeypatch.setattr(
        "kb.autoanswer.triage_predict",
        lambda **kwargs: triage_predict(**kwargs).__class__(
            **{**triage_predict(**kwargs).__dict__, "out_of_scope": True}
        ),
    )
    ticket = open_ticket(customer_a, subject="想申请退款", body="课程买错了，想退款")
    # when
    answered = ticket_auto_answer(ticket_id=ticket.pk)
    # then: no answer, and the trail says why
    ticket.refresh_from_db()
    assert answered is False
    assert ticket.auto_answered_at is None
    assert ticket.events.get(type="tickets.ticket.triaged").data["out_of_scope"] is True
