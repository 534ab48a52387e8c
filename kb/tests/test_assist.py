"""Agent assist: similar resolved tickets with their final reply, and the paragraph of a
suggested article closest to the ticket."""

import pytest
from django.urls import reverse

from kb.assist import article_relevant_paragraphs, ticket_similar_resolved
from kb.tests.factories import article
from tickets.models import Status
from tickets.services import ticket_reply
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db


def _resolved(customer, agent, subject, body, reply):
    ticket = open_ticket(customer, subject=subject, body=body, category=category("course-access"))
    ticket_reply(ticket=ticket, author=agent, body="我们正在查看。")
    ticket_reply(ticket=ticket, author=agent, body=reply, status=Status.RESOLVED)
    return ticket


def test_similar_resolved_tickets_come_with_their_final_public_reply(customer_a, customer_b, tier1_agent):
    # given: two resolved playback tickets, one about invoices, and a new playback ticket
    fixed = _resolved(
        customer_b, tier1_agent, "视频一直黑屏", "课程视频打开就是黑屏，有声音没画面", "请在设置里关闭硬件加速后重试。"
    )
    _resolved(customer_b, tier1_agent, "发票抬头写错了", "公司名称少了一个字，能重开吗", "已为您重开发票。")
    new = open_ticket(
        customer_a, subject="视频黑屏", body="打开课程视频只有声音，画面是黑的", category=category("course-access")
    )
    # when
    similar = ticket_similar_resolved(ticket=new, body="打开课程视频只有声音，画面是黑的")
    # then: the playback ticket, with the agent's last public reply; never the ticket itself
    assert [item.ticket.pk for item in similar][:1] == [fixed.pk]
    assert similar[0].final_reply == "请在设置里关闭硬件加速后重试。"
    assert new.pk not in [item.ticket.pk for item in similar]


def test_the_relevant_paragraph_of_an_article_is_the_one_closest_to_the_ticket(db):
    # given
    refund = article(
        "退款说明",
        "购买后七天内可以申请退款。\n\n退款审核通过后，款项会在三个工作日内原路退回。\n\n直播课开课后不支持退款。",
        language="zh-hans",
    )
    # when
    paragraphs = article_relevant_paragraphs(articles=[refund], text="退款通过了钱什么时候到账")
    # then
    assert paragraphs == {refund.pk: "退款审核通过后，款项会在三个工作日内原路退回。"}


def test_the_desk_sidebar_offers_the_paragraph_and_similar_tickets_to_insert(
    customer_a, customer_b, tier1_agent, tier1_client
):
    # given
    _resolved(customer_b, tier1_agent, "视频一直黑屏", "课程视频打开就是黑屏", "请在设置里关闭硬件加速后重试。")
    article("视频黑屏怎么办", "先检查网络。\n\n黑屏时请关闭播放器的硬件加速。", language="zh-hans")
    new = open_ticket(customer_a, subject="视频黑屏", body="打开课程视频是黑屏", category=category("course-access"))
    # when
    sidebar = tier1_client.get(reverse("desk:kb-ticket-suggestions", kwargs={"pk": new.pk})).content.decode()
    # then
    assert 'data-testid="kb-insert-paragraph"' in sidebar
    assert "黑屏时请关闭播放器的硬件加速。" in sidebar
    assert 'data-testid="kb-insert-reply"' in sidebar
    assert "请在设置里关闭硬件加速后重试。" in sidebar
