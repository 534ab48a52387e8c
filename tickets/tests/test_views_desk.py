import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgentTier
from accounts.tests.factories import CustomerFactory, OrderFactory
from tickets import filters
from tickets.models import CannedResponse, Channel, MessageKind, Status, Ticket, TicketMessage
from tickets.services import refund_request_open, ticket_escalate, ticket_reply
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db


def _queue(client, **params):
    return client.get(reverse("desk:queue"), params)


def _refs(response) -> set[str]:
    return {t.reference for t in response.context["tickets"]}


def test_queue_lists_open_tickets_by_default(tier1_client, customer_a, tier1_agent):
    open_one = open_ticket(customer_a)
    closed = open_ticket(customer_a)
    closed.status = Status.CLOSED
    closed.save()
    response = _queue(tier1_client)
    assert response.status_code == 200
    assert _refs(response) == {open_one.reference}


@pytest.mark.parametrize("rows", [1, 50])
def test_queue_query_count_does_not_grow_with_page_size(tier1_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        open_ticket(category=category("payment"))
    with django_assert_max_num_queries(12):
        response = _queue(tier1_client, size=50)
    assert len(response.context["tickets"]) == rows


def test_queue_queries_are_the_same_for_1_and_50_rows(tier1_client, django_assert_num_queries):
    open_ticket()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _queue(tier1_client, size=50)  # the agent's permission set is cached from here on
    with CaptureQueriesContext(connection) as one:
        _queue(tier1_client, size=50)
    for _ in range(49):
        open_ticket(category=category("refund"))
    with CaptureQueriesContext(connection) as fifty:
        _queue(tier1_client, size=50)
    assert len(one.captured_queries) == len(fifty.captured_queries)


def test_queue_filters(tier1_client, tier1_agent, tier2_agent, customer_a):
    urgent = open_ticket(customer_a, priority="urgent", category=category("payment"), channel=Channel.API)
    normal = open_ticket(customer_a, subject="发票抬头写错了", category=category("certificate-invoice"))
    complaint = open_ticket(customer_a, category=category("complaint"))  # tier 2
    assert _refs(_queue(tier1_client, priority="urgent")) == {urgent.reference}
    assert _refs(_queue(tier1_client, tier=2)) == {complaint.reference}
    assert _refs(_queue(tier1_client, channel="api")) == {urgent.reference}
    assert _refs(_queue(tier1_client, category=category("certificate-invoice").pk)) == {normal.reference}
    assert _refs(_queue(tier1_client, status="new", tier=1)) == {urgent.reference, normal.reference}
    assert _refs(_queue(tier1_client, view="tier2")) == {complaint.reference}
    assert _refs(_queue(tier1_client, assignee=tier2_agent.pk)) == {complaint.reference}


def test_queue_saved_views(tier1_client, tier1_agent, customer_a):
    mine = open_ticket(customer_a)  # routed to the only tier-1 agent
    Ticket.objects.filter(pk=mine.pk).update(assignee=tier1_agent)
    unassigned = open_ticket(customer_a)
    Ticket.objects.filter(pk=unassigned.pk).update(assignee=None)
    breaching = open_ticket(customer_a, priority="urgent")  # 30 minutes first response
    Ticket.objects.filter(pk=breaching.pk).update(assignee=tier1_agent)
    assert _refs(_queue(tier1_client, view="mine")) == {mine.reference, breaching.reference}
    assert _refs(_queue(tier1_client, view="unassigned")) == {unassigned.reference}
    assert breaching.reference in _refs(_queue(tier1_client, view="breaching"))
    assert mine.reference not in _refs(_queue(tier1_client, view="breaching"))


def test_breached_is_a_view_of_its_own_apart_from_breaching_within_an_hour(tier1_client, customer_a):
    # given one ticket past its first-response target, one due in 30 minutes, one due tomorrow
    now = timezone.now()
    late, soon, later = (open_ticket(customer_a) for _ in range(3))
    Ticket.objects.filter(pk=late.pk).update(first_response_due_at=now - timedelta(minutes=5))
    Ticket.objects.filter(pk=soon.pk).update(first_response_due_at=now + timedelta(minutes=30))
    Ticket.objects.filter(pk=later.pk).update(
        first_response_due_at=now + timedelta(days=1), resolution_due_at=now + timedelta(days=2)
    )
    # then
    assert _refs(_queue(tier1_client, view="breached")) == {late.reference}
    assert _refs(_queue(tier1_client, view="breaching")) == {soon.reference}
    counts = {key: count for key, _label, count in tier1_client.get(reverse("desk:home")).context["queue_counts"]}
    assert (counts["breached"], counts["breaching"]) == (1, 1)


def test_queue_shows_resolution_due_and_filters_without_placeholders(tier1_client, customer_a):
    ticket = open_ticket(customer_a)
    response = _queue(tier1_client)
    page = response.content.decode()
    assert "Resolution due" in page
    assert timezone.localtime(ticket.resolution_due_at).strftime("%m-%d %H:%M") in page
    assert "---------" not in page
    assert page.count("data-multiselect") == 7
    assert "vendor/tom-select-2.6.2/tom-select.complete.min.js" in page


def test_several_statuses_filter_without_select_distinct(tier1_client, customer_a):
    new, on_hold = open_ticket(customer_a), open_ticket(customer_a)
    Ticket.objects.filter(pk=on_hold.pk).update(status=Status.ON_HOLD)
    response = tier1_client.get(reverse("desk:queue"), {"status": ["new", "on_hold"], "channel": ["web", "email"]})
    assert _refs(response) == {new.reference, on_hold.reference}
    assert "DISTINCT" not in str(response.context["queue"].qs.query)


def test_queue_search(tier1_client, customer_a, customer_b):
    invoice = open_ticket(customer_a, subject="发票抬头写错了")
    other = open_ticket(customer_b, subject="Video stuck at 99%")
    assert _refs(_queue(tier1_client, q=invoice.reference)) == {invoice.reference}
    assert _refs(_queue(tier1_client, q=str(other.pk))) == {other.reference}
    assert _refs(_queue(tier1_client, q="发票")) == {invoice.reference}
    assert _refs(_queue(tier1_client, q="video")) == {other.reference}
    assert _refs(_queue(tier1_client, q="customer-b@example.com")) == {other.reference}
    assert _refs(_queue(tier1_client, q="Customer A")) == {invoice.reference}


# The search's ways to the same rows: walking the newest tickets (a common word),
# collecting a rare word's tickets through the indexes ("overflow": more matches than that
# way takes, which walks), and looking among the newest tickets when the indexes' way
# overflows ("window": tiny windows, so that some pages are found in them and others not).
SEARCH_WAYS = {
    "walk": {"COMMON_HITS": 1},
    "indexes": {"COMMON_HITS": 10**6, "WINDOWS": ()},
    "overflow": {"COMMON_HITS": 10**6, "RARE_MATCHES": 1, "WINDOWS": ()},
    "window": {"COMMON_HITS": 10**6, "RARE_MATCHES": 1, "WINDOWS": (2, 8)},
}


@pytest.fixture(params=sorted(SEARCH_WAYS))
def search_way(request, monkeypatch):
    from tickets import filters

    for name, value in SEARCH_WAYS[request.param].items():
        monkeypatch.setattr(filters, name, value)
    return request.param


def test_queue_search_reaches_message_bodies(tier1_client, tier1_agent, customer_a, search_way):
    # given a ticket whose subject says nothing of the invoice its messages talk about
    ticket = open_ticket(customer_a, subject="有个问题", body="请帮我开电子发票，抬头写公司名。")
    ticket_reply(ticket=ticket, author=tier1_agent, body="Invoice title checked with finance.", internal=True)
    other = open_ticket(customer_a, subject="视频卡顿", body="第三节课一直在加载。")
    # then Chinese (two characters), English (any case) and a note's words find it
    assert _refs(_queue(tier1_client, q="发票")) == {ticket.reference}
    assert _refs(_queue(tier1_client, q="电子发票")) == {ticket.reference}
    assert _refs(_queue(tier1_client, q="invoice TITLE")) == {ticket.reference}
    assert _refs(_queue(tier1_client, q="加载")) == {other.reference}
    assert _refs(_queue(tier1_client, q="退款")) == set()


def test_queue_search_finds_english_words_and_codes_among_chinese(tier1_client, tier1_agent, customer_a, search_way):
    # given English and codes written into Chinese text, and LIKE's wildcards as text
    whale = open_ticket(customer_a, subject="有个问题", body="第二课的鲸歌WhaleSong音频没有声音")
    ticket_reply(ticket=whale, author=tier1_agent, body="coupon 50%_off 已核对", internal=True)
    other = open_ticket(customer_a, subject="视频卡顿", body="coupon 50xxoff whale song")
    # then any case, across Chinese on both sides, and % and _ are taken literally
    assert _refs(_queue(tier1_client, q="whalesong")) == {whale.reference}
    assert _refs(_queue(tier1_client, q="WHALESONG音频")) == {whale.reference}
    assert _refs(_queue(tier1_client, q="50%_off")) == {whale.reference}
    assert _refs(_queue(tier1_client, q="whale song")) == {other.reference}
    assert _refs(_queue(tier1_client, q="songbird")) == set()
    if connection.vendor == "postgresql":
        # the ASCII trigram index of migration 0023, not the bigrams that most English has
        sql = str(filters._text_matching(TicketMessage, "body", "whalesong").query)
        assert "ticket_ascii(body) LIKE" in sql
        assert "ticket_bigrams" not in sql


def test_queue_search_pages_are_the_same_whichever_way(
    tier1_client, tier1_agent, customer_a, customer_b, search_way, monkeypatch
):
    monkeypatch.setattr("tickets.views.desk.PAGE_SIZES", (25, 3))
    # given 7 tickets holding 发票 in a subject, a reply, a note or the customer's name, and 2 without
    customer_b.name = "发票王"
    customer_b.save()
    found = [
        open_ticket(customer_a, subject="发票抬头", body="请开票"),
        open_ticket(customer_a, subject="问题", body="电子发票没收到"),
        open_ticket(customer_b, subject="视频", body="卡顿"),
        open_ticket(customer_a, subject="Invoice", body="need a 发票 please"),
        open_ticket(customer_a, subject="问题二", body="课程"),
        open_ticket(customer_a, subject="问题三", body="课程"),
        open_ticket(customer_a, subject="发票 again", body="x"),
    ]
    ticket_reply(ticket=found[4], author=tier1_agent, body="已补开发票", internal=False)
    ticket_reply(ticket=found[5], author=tier1_agent, body="note: 发票 checked", internal=True)
    open_ticket(customer_a, subject="退款", body="不想学了")
    open_ticket(customer_a, subject="Refund", body="no longer needed")
    newest_first = [t.reference for t in sorted(found, key=lambda t: (t.created_at, t.pk), reverse=True)]
    # then pages of 25 and of 3 (uncounted, one row more to know of a next page) agree
    assert [t.reference for t in _queue(tier1_client, q="发票").context["tickets"]] == newest_first
    pages = [_queue(tier1_client, q="发票", size=3, page=n).context for n in (1, 2, 3)]
    assert [t.reference for page in pages for t in page["tickets"]] == newest_first
    assert [page["page"].has_next() for page in pages] == [True, True, False]


def test_queue_search_of_a_phrase_finds_exactly_the_tickets_holding_it(
    tier1_client, tier1_agent, customer_a, search_way, monkeypatch
):
    # given the phrase in a body and in a note, and its words apart, in another order or cut
    body = open_ticket(customer_a, subject="有个问题", body="请帮我开电子发票，抬头写公司名。")
    note = open_ticket(customer_a, subject="问题二", body="课程")
    ticket_reply(ticket=note, author=tier1_agent, body="已经开电子发票了", internal=True)
    open_ticket(customer_a, subject="问题三", body="电子版的发票开了吗？开电脑看看子发")
    open_ticket(customer_a, subject="问题四", body="发票电子开")
    open_ticket(customer_a, subject="问题五", body="开电子 发票")
    # then only the tickets holding the phrase itself, whichever way the search goes
    assert _refs(_queue(tier1_client, q="开电子发票")) == {body.reference, note.reference}
    assert _refs(_queue(tier1_client, q="电子发票")) == {body.reference, note.reference}
    if search_way == "window":
        # and a window of all 5 tickets holds the 2 matches (its rarest bigram, then the LIKE)
        monkeypatch.setattr(filters, "WINDOWS", (5,))
        found = filters._windowed(Ticket.objects.order_by("-created_at", "-pk"), "开电子发票", [], needed=2)
        assert found is not None
        assert set(found.values_list("pk", flat=True)) == {body.pk, note.pk}


def test_queue_search_after_the_other_filters_and_before_the_sort(
    tier1_client, tier1_agent, customer_a, search_way, monkeypatch
):
    monkeypatch.setattr("tickets.views.desk.PAGE_SIZES", (25, 2))
    if search_way == "window":
        monkeypatch.setattr(filters, "WINDOWS", (4,))  # the first page (3 rows) is in it
    # given 8 tickets holding the word, the 4 newest of them on hold, and 1 new without it
    found = [open_ticket(customer_a, subject=f"问题{n}", body=f"第{n}张发票") for n in range(8)]
    Ticket.objects.filter(pk__in=[t.pk for t in found[4:]]).update(status=Status.ON_HOLD)
    open_ticket(customer_a, subject="退款", body="不想学了")
    newest_first = sorted(found, key=lambda t: (t.created_at, t.pk), reverse=True)
    # then a status filter leaves its own newest matches, page by page
    pages = [_queue(tier1_client, q="发票", status="new", size=2, page=n).context for n in (1, 2, 3)]
    assert [t.pk for page in pages for t in page["tickets"]] == [t.pk for t in newest_first[4:]]
    assert [page["page"].has_next() for page in pages] == [True, False, False]
    # and a sort orders every match, not only the newest ones
    oldest_first = _queue(tier1_client, q="发票", sort="created", size=2).context["tickets"]
    assert [t.pk for t in oldest_first] == [t.pk for t in newest_first[::-1][:2]]


def test_search_window_finds_messages_a_merge_moved_into_a_newer_ticket(tier1_agent, customer_a, monkeypatch):
    from tickets.services import ticket_merge

    monkeypatch.setattr(filters, "WINDOWS", (2,))
    # given an old ticket whose message holds the word, merged into the newest ticket
    old = open_ticket(customer_a, subject="旧问题", body="鲸歌课程打不开")
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    TicketMessage.objects.filter(ticket=old).update(created_at=timezone.now() - timedelta(days=30))
    other = open_ticket(customer_a, subject="鲸歌", body="x")
    target = open_ticket(customer_a, subject="新问题", body="还是打不开")
    ticket_merge(source=Ticket.objects.get(pk=old.pk), target=target, actor=tier1_agent)
    queue = Ticket.objects.order_by("-created_at", "-pk")
    # then the window of the 2 newest tickets holds both matches, the merged one included
    found = filters._windowed(queue, "鲸歌", [], needed=2)
    assert found is not None
    assert list(found.values_list("pk", flat=True)) == [target.pk, other.pk]
    # and a third row needed is not in the window: the search goes on elsewhere
    assert filters._windowed(queue, "鲸歌", [], needed=3) is None


def test_queue_sorts_by_priority(tier1_client, customer_a):
    low = open_ticket(customer_a, priority="low")
    urgent = open_ticket(customer_a, priority="urgent")
    tickets = _queue(tier1_client, sort="priority").context["tickets"]
    assert [t.pk for t in tickets] == [urgent.pk, low.pk]


def test_malformed_filters_do_not_fail(tier1_client):
    response = _queue(tier1_client, tier="x", category="nope", status="bogus", sort="drop table", page="-1", size="x")
    assert response.status_code == 200


def test_bulk_assign_status_and_escalate(tier1_client, tier1_agent, customer_a):
    tickets = [open_ticket(customer_a) for _ in range(3)]
    ids = [t.pk for t in tickets]
    url = reverse("desk:ticket-bulk")
    tier1_client.post(url, {"tickets": ids, "action": "assign", "assignee": ""})
    assert not Ticket.objects.filter(pk__in=ids, assignee__isnull=False).exists()
    tier1_client.post(url, {"tickets": ids, "action": "status", "status": "on_hold"})
    assert set(Ticket.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"on_hold"}
    tier1_client.post(url, {"tickets": ids[:2], "action": "escalate", "reason": "批量转二线"})
    assert Ticket.objects.filter(pk__in=ids, tier=2).count() == 2


def test_bulk_reports_tickets_it_may_not_touch(tier1_client, customer_a):
    tier2_ticket = open_ticket(customer_a, category=category("complaint"))
    response = tier1_client.post(
        reverse("desk:ticket-bulk"),
        {"tickets": [tier2_ticket.pk], "action": "status", "status": "on_hold"},
        follow=True,
    )
    assert tier2_ticket.reference in response.content.decode()
    tier2_ticket.refresh_from_db()
    assert tier2_ticket.status == Status.NEW


def _detail(client, ticket):
    return client.get(reverse("desk:ticket-detail", kwargs={"pk": ticket.pk}))


def test_ticket_page_shows_thread_notes_context_and_history(tier1_client, tier1_agent, customer_a):
    ticket = open_ticket(customer_a, order=customer_a.orders.get())
    tier1_client.post(
        reverse("desk:ticket-reply", kwargs={"pk": ticket.pk}),
        {"body": "内部：检查 CDN", "internal": "on", "version": ticket.version},
    )
    page = _detail(tier1_client, ticket).content.decode()
    assert "第三节课的视频一直在加载" in page
    assert "内部：检查 CDN" in page
    assert customer_a.orders.get().number in page
    assert "Opened via Web form." in page


def test_reply_as_agent(tier1_client, customer_a):
    ticket = open_ticket(customer_a)
    response = tier1_client.post(
        reverse("desk:ticket-reply", kwargs={"pk": ticket.pk}),
        {"body": "请清除缓存后重试。", "status": "pending", "version": ticket.version},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.messages.filter(kind=MessageKind.REPLY, from_customer=False).exists()


def test_stale_reply_is_refused_and_the_text_kept(tier1_client, tier1_agent, customer_a):
    ticket = open_ticket(customer_a)
    stale = ticket.version
    tier1_client.post(
        reverse("desk:ticket-fields", kwargs={"pk": ticket.pk}),
        {"priority": "high", "version": stale, "assignee": tier1_agent.pk},
    )
    response = tier1_client.post(
        reverse("desk:ticket-reply", kwargs={"pk": ticket.pk}), {"body": "我写了很久的回复", "version": stale}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this ticket" in page
    assert "我写了很久的回复" in page
    assert ticket.messages.count() == 1


def test_stale_field_change_overwrites_nothing(tier1_client, tier1_agent, customer_a):
    ticket = open_ticket(customer_a)
    stale = ticket.version
    url = reverse("desk:ticket-fields", kwargs={"pk": ticket.pk})
    tier1_client.post(url, {"priority": "high", "version": stale, "assignee": tier1_agent.pk})
    response = tier1_client.post(url, {"priority": "low", "version": stale, "assignee": tier1_agent.pk})
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.priority == "high"


def test_complaint_resolution_is_required_on_the_page(tier2_client, customer_a):
    ticket = open_ticket(customer_a, category=category("complaint"))
    url = reverse("desk:ticket-status", kwargs={"pk": ticket.pk})
    response = tier2_client.post(url, {"status": "resolved", "version": ticket.version})
    assert response.status_code == 400
    assert "written resolution" in response.content.decode()
    tier2_client.post(url, {"status": "resolved", "resolution": "已致歉并补偿", "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_escalate_and_deescalate_on_the_page(tier1_client, tier2_client, tier2_agent, customer_a):
    ticket = open_ticket(customer_a)
    tier1_client.post(
        reverse("desk:ticket-escalate", kwargs={"pk": ticket.pk}),
        {"escalate-reason": "需要财务核实", "escalate-version": ticket.version},
    )
    ticket.refresh_from_db()
    assert ticket.tier == AgentTier.TIER_2
    assert "only tier-2 agents and managers act on it" in _detail(tier1_client, ticket).content.decode()
    tier2_client.post(
        reverse("desk:ticket-deescalate", kwargs={"pk": ticket.pk}),
        {"deescalate-reason": "一线可处理", "deescalate-version": ticket.version},
    )
    ticket.refresh_from_db()
    assert ticket.tier == AgentTier.TIER_1


def test_tier1_cannot_post_on_tier2_tickets(tier1_client, customer_a):
    ticket = open_ticket(customer_a, category=category("complaint"))
    response = tier1_client.post(
        reverse("desk:ticket-reply", kwargs={"pk": ticket.pk}), {"body": "hi", "version": ticket.version}
    )
    assert response.status_code == 403
    assert ticket.messages.count() == 1


def test_merge_on_the_page(tier1_client, customer_a):
    target = open_ticket(customer_a)
    source = open_ticket(customer_a)
    response = tier1_client.post(
        reverse("desk:ticket-merge", kwargs={"pk": source.pk}),
        {"merge-target": target.reference, "merge-version": source.version},
    )
    assert response["Location"] == reverse("desk:ticket-detail", kwargs={"pk": target.pk})
    source.refresh_from_db()
    assert source.merged_into == target


def test_merge_with_an_unknown_reference_reports_it(tier1_client, customer_a):
    source = open_ticket(customer_a)
    response = tier1_client.post(
        reverse("desk:ticket-merge", kwargs={"pk": source.pk}),
        {"merge-target": "HD-999999", "merge-version": source.version},
    )
    assert response.status_code == 400
    assert "No ticket has this reference." in response.content.decode()


def test_refund_approval_on_the_page(tier2_client, customer_a):
    order = OrderFactory(customer=customer_a, amount=Decimal("99.00"), paid_at=timezone.now() - timedelta(days=1))
    request = refund_request_open(customer=customer_a, order=order, amount=Decimal("99.00"), reason="买错了")
    tier2_client.post(
        reverse("desk:ticket-refund", kwargs={"pk": request.ticket_id}),
        {"refund-decision": "approve", "refund-amount": "50.00"},
    )
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("50.00")
    # the panel says what was decided, in Chinese too ("Requested" the amount is not "待审核" the status)
    tier2_client.post(reverse("set_language"), {"language": "zh-hans"})
    page = tier2_client.get(reverse("desk:ticket-detail", kwargs={"pk": request.ticket_id})).content.decode()
    panel = page.split('data-testid="refund"')[1].split("</section>")[0]
    assert "已批准" in panel
    assert "申请金额" in panel
    assert "待审核" not in panel


def test_canned_response_fills_placeholders(tier1_client, tier1_agent, customer_a):
    ticket = open_ticket(customer_a, order=customer_a.orders.get())
    canned = CannedResponse.objects.create(
        key="refund-howto",
        language="zh-hans",
        title="退款说明",
        body="{customer_name} 您好，订单 {order}（{course}）的退款已提交，工单 {reference}。——{agent_name} {unknown}",
    )
    response = tier1_client.get(
        reverse("desk:ticket-canned", kwargs={"pk": ticket.pk}), {"canned": canned.pk}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert "Customer A 您好" in text
    assert customer_a.orders.get().number in text
    assert ticket.reference in text
    assert "{unknown}" in text
    # the preview shows the values used
    preview = text.split('data-testid="canned-preview"')[1]
    assert "{order}" in preview
    assert customer_a.orders.get().number in preview


@pytest.mark.parametrize(
    "body",
    [
        "{x.y} 您好 {customer_name}",
        "{name:>5000000}{customer_name}",
        "{0} {} {{ }} { {customer_name",
        "{customer_name!r}",
    ],
)
def test_canned_text_is_never_a_format_string(tier1_client, customer_a, body):
    """Issue 12: ``{x.y}`` was a 500 for every agent and ``{name:>5000000}`` a 5 MB page."""
    ticket = open_ticket(customer_a)
    canned = CannedResponse.objects.create(key="odd", language="zh-hans", title="Odd", body=body)
    response = tier1_client.get(reverse("desk:ticket-canned", kwargs={"pk": ticket.pk}), {"canned": canned.pk})
    text = response.content.decode()
    assert response.status_code == 200
    assert len(text) < 5000
    expected = html.escape(body.replace("{customer_name}", "Customer A"), quote=False)
    assert expected in text


def test_a_reply_with_a_placeholder_left_is_refused_with_a_clear_message(tier1_client, customer_a):
    # given a ticket without a course, and a canned text asking for one
    ticket = open_ticket(customer_a)
    canned = CannedResponse.objects.create(
        key="c", language="zh-hans", title="C", body="{customer_name}，{course} 已恢复"
    )
    filled = tier1_client.get(reverse("desk:ticket-canned", kwargs={"pk": ticket.pk}), {"canned": canned.pk})
    assert 'data-testid="canned-unresolved"' in filled.content.decode()
    # when the agent sends it as it is
    response = tier1_client.post(
        reverse("desk:ticket-reply", kwargs={"pk": ticket.pk}),
        {"body": "Customer A，{course} 已恢复", "version": ticket.version},
    )
    # then nothing is sent and the form says why, keeping the text
    assert response.status_code == 400
    assert "{course}" in response.content.decode()
    assert "Replace the placeholders {course}" in response.content.decode()
    assert ticket.messages.count() == 1
    # an internal note may keep it
    tier1_client.post(
        reverse("desk:ticket-reply", kwargs={"pk": ticket.pk}),
        {"body": "Template {course} needs a course", "internal": "on", "version": ticket.version},
    )
    assert ticket.messages.count() == 2


def test_phone_ticket_for_a_new_customer(tier1_client, tier1_agent):
    response = tier1_client.post(
        reverse("desk:ticket-phone"),
        {
            "customer_email": "Caller@Example.com",
            "customer_name": "来电客户",
            "subject": "电话：无法登录",
            "body": "客户来电说换手机号后无法登录。",
            "priority": "normal",
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("desk:ticket-detail", kwargs={"pk": ticket.pk})
    assert ticket.channel == Channel.PHONE
    assert ticket.customer.email == "caller@example.com"
    assert ticket.messages.get().author == tier1_agent


def test_phone_ticket_form_errors_rerender(tier1_client):
    response = tier1_client.post(reverse("desk:ticket-phone"), {"customer_email": "not-an-email"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_phone_ticket_cannot_target_a_staff_account(tier1_client, manager):
    response = tier1_client.post(
        reverse("desk:ticket-phone"),
        {"customer_email": manager.email, "subject": "x", "body": "y", "priority": "normal"},
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_desk_home_counts_saved_views(tier1_client, tier1_agent):
    open_ticket(CustomerFactory())
    page = tier1_client.get(reverse("desk:home")).content.decode()
    assert reverse("desk:queue") + "?view=mine" in page


def test_escalated_ticket_can_be_read_by_tier1(tier1_client, tier1_agent, customer_a):
    ticket = ticket_escalate(ticket=open_ticket(customer_a), actor=tier1_agent, reason="x")
    assert _detail(tier1_client, ticket).status_code == 200


def test_desk_pages_speak_chinese(tier1_client, tier1_agent, customer_a):
    ticket = open_ticket(customer_a)
    tier1_agent.language = "zh-hans"
    tier1_agent.save()
    zh = {"Accept-Language": "en"}  # the account's language wins over the browser's
    assert "工单队列" in tier1_client.get(reverse("desk:queue"), headers=zh).content.decode()
    page = tier1_client.get(reverse("desk:ticket-detail", kwargs={"pk": ticket.pk}), headers=zh).content.decode()
    assert "升级到二线" in page


def test_seeded_canned_responses_fill_every_placeholder(tier1_agent, customer_a):
    from tickets.canned import canned_render

    ticket = open_ticket(customer_a, order=customer_a.orders.get())
    canned = list(CannedResponse.objects.all())
    assert {c.language for c in canned} == {"zh-hans", "en"}
    for response in canned:
        assert "{" not in canned_render(canned=response, ticket=ticket, agent=tier1_agent).text, response.key


def test_search_results_page_without_counting(tier1_client, customer_a):
    for _ in range(27):
        open_ticket(customer_a, subject="课程发票申请")
    first = _queue(tier1_client, q="发票", size=25)
    assert len(first.context["tickets"]) == 25
    assert first.context["page"].has_next()
    second = _queue(tier1_client, q="发票", size=25, page=2)
    assert len(second.context["tickets"]) == 2
    assert not second.context["page"].has_next()


def test_ticket_page_queries_do_not_grow_with_the_thread(
    tier2_client, tier2_agent, tier1_agent, customer_a, django_assert_num_queries
):
    """Messages, attachments, events and the names in the event trail are read in a fixed
    number of queries, however long the ticket's history."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.services import ticket_fields_update, ticket_reply

    short = open_ticket(customer_a)
    long = open_ticket(customer_a)
    for n in range(6):
        ticket_reply(ticket=long, author=tier2_agent, body=f"回复 {n}")
        long.refresh_from_db()
        assignee = tier1_agent if n % 2 else tier2_agent
        ticket_fields_update(ticket=long, actor=tier2_agent, assignee=assignee)
        long.refresh_from_db()
    _detail(tier2_client, short)  # warm the session and the cached permissions
    with CaptureQueriesContext(connection) as captured:
        assert _detail(tier2_client, short).status_code == 200
    with django_assert_num_queries(len(captured)):
        assert _detail(tier2_client, long).status_code == 200


def test_sla_timers_say_due_countdown_paused_breached_and_met(customer_a, tier1_agent):
    from tickets.views.desk import sla_timers

    now = timezone.now()
    ticket = open_ticket(customer_a)
    ticket.first_response_due_at, ticket.resolution_due_at = now + timedelta(minutes=20), now + timedelta(hours=30)
    assert [(t["state"], t["soon"]) for t in sla_timers(ticket, now=now)] == [("running", True), ("running", False)]
    ticket.first_response_due_at = now - timedelta(minutes=1)
    assert sla_timers(ticket, now=now)[0]["state"] == "breached"
    ticket.first_responded_at = now - timedelta(minutes=2)
    assert sla_timers(ticket, now=now)[0]["state"] == "met"
    ticket.status = Status.PENDING
    assert sla_timers(ticket, now=now)[1]["state"] == "paused"


def test_ticket_page_shows_sla_and_the_real_status_and_previews_markdown(tier1_client, customer_a):
    ticket = open_ticket(customer_a)
    page = _detail(tier1_client, ticket)
    body = page.content.decode()
    assert 'data-testid="sla"' in body
    assert page.context["status_select"]["selected"] == "new"
    assert ("new", "New") in page.context["status_select"]["choices"]
    preview = tier1_client.post(
        reverse("desk:ticket-preview", kwargs={"pk": ticket.pk}),
        {"body": "**清除缓存** <script>alert(1)</script>\n{course}"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "<strong>清除缓存</strong>" in preview
    assert "<script>" not in preview
    assert "Replace the placeholders {course}" in preview


def test_an_agents_markdown_reply_reads_as_formatted_text_everywhere(
    tier1_client, tier1_agent, customer_a_client, customer_a
):
    ticket = open_ticket(customer_a, body="**not markdown** from the customer")
    ticket_reply(ticket=ticket, author=tier1_agent, body="1. **清除缓存**\n2. 重新登录")
    desk = _detail(tier1_client, ticket).content.decode()
    help_page = customer_a_client.get(reverse("help:ticket-detail", kwargs={"pk": ticket.pk})).content.decode()
    for page in (desk, help_page):
        assert "<li><strong>清除缓存</strong></li>" in page
        assert "**not markdown** from the customer" in page  # customers' text stays as typed


def test_ticket_page_lists_of_canned_responses_macros_and_categories_follow_every_change(
    tier1_client, customer_a, django_assert_max_num_queries
):
    """They are cached between pages (tickets.reference), never past a change."""
    from tickets.models import Category, Macro

    ticket = open_ticket(customer_a)
    _detail(tier1_client, ticket)  # cached now
    canned = CannedResponse.objects.create(key="thanks", language="en", title="Thank-you note", body="Thanks!")
    macro = Macro.objects.create(name="Close as duplicate")
    new_category = Category.objects.create(slug="certificates", name_en="Certificates", name_zh_hans="证书")
    text = _detail(tier1_client, ticket).content.decode()
    assert "Thank-you note" in text
    assert "Close as duplicate" in text
    assert "Certificates" in text
    canned.is_active, macro.name = False, "Close as a duplicate"
    canned.save()
    macro.save()
    new_category.delete()
    with django_assert_max_num_queries(30):
        text = _detail(tier1_client, ticket).content.decode()
    assert "Thank-you note" not in text
    assert "Close as a duplicate" in text
    assert "Certificates" not in text


def test_ticket_page_reads_the_lists_managers_edit_from_the_cache(tier1_client, customer_a):
    from django.test.utils import CaptureQueriesContext

    from tickets.models import CSATResponse

    for n in range(3):  # earlier tickets, rated: read in one query each, whatever their number
        earlier = open_ticket(customer_a, subject=f"Earlier {n}")
        CSATResponse.objects.create(ticket=earlier, customer=customer_a, rating=4, comment=f"Fine {n}")
    ticket = open_ticket(customer_a, order=customer_a.orders.get())
    _detail(tier1_client, ticket)
    with CaptureQueriesContext(connection) as captured:
        response = _detail(tier1_client, ticket)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{earlier.reference}</a> Earlier 2" in text
    assert f"{earlier.reference}: 4/5" in text
    tables = " ".join(q["sql"].split(" WHERE ")[0] for q in captured.captured_queries)
    for table in (
        'FROM "tickets_cannedresponse"',
        'FROM "tickets_macro"',
        'FROM "tickets_category"',
        'FROM "accounts_agentprofile"',
    ):
        assert table not in tables  # the agent's profile comes with the user
    orders = [q for q in captured.captured_queries if 'FROM "accounts_order"' in q["sql"]]
    assert len(orders) == 1  # the ticket's order is among the customer's, not read again
    # session, user, the ticket (two), messages, attachments, events, past tickets, past
    # ratings, the access log, orders, enrollments, weekly learning, courses on sale,
    # assignable agents, presence, last live event
    assert len(captured.captured_queries) <= 17
