"""``seed_demo --tickets``: counts, idempotence, determinism, growth, and that the demo
tickets keep the rules of ``tickets.services``."""

import copy
import random
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AgentProfile, CustomerProfile, Enrollment, LearningActivity, Order, OrderStatus, Role, User
from demo import tickets as demo
from demo.kb import AUTO_ANSWERABLE
from tickets.models import (
    BusinessHours,
    Category,
    CSATResponse,
    MessageKind,
    NPSResponse,
    RefundRequest,
    RefundStatus,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from tickets.services import TRANSITIONS, EscalationRule
from tickets.services.sla import calendar_for, sla_due_set
from tickets.sla_clock import add_business_minutes, business_minutes_between

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 12, 3, 0, tzinfo=UTC)
CJK = re.compile(r"[\u4e00-\u9fff]")
CREATED = "tickets.ticket.created"


@pytest.fixture(autouse=True)
def _frozen_clock():
    """One fixed hour, so that runs from scratch can be compared field by field."""
    with time_machine.travel(NOW, tick=False):
        yield


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _demo_index() -> dict[int, int]:
    return dict(TicketEvent.objects.filter(type=CREATED).values_list("ticket_id", "data__demo"))


def _snapshot() -> list[tuple]:
    """Everything seeded, without primary keys (which differ between databases)."""
    index = _demo_index()
    tickets = []
    for t in Ticket.objects.select_related("customer", "assignee", "category", "order").prefetch_related(
        "messages__author", "events__actor"
    ):
        tickets.append(
            (
                index[t.pk],
                t.subject,
                t.customer.email,
                t.assignee.email if t.assignee else None,
                t.category.slug,
                t.order.number if t.order else None,
                t.course_id,
                t.status,
                t.priority,
                t.channel,
                t.tier,
                t.resolution,
                t.created_at,
                t.first_responded_at,
                t.resolved_at,
                t.closed_at,
                t.escalated_at,
                t.first_response_due_at,
                t.resolution_due_at,
                t.first_response_breached_at,
                t.resolution_breached_at,
                t.sla_paused_at,
                t.sla_paused_minutes,
                t.reopen_count,
                t.version,
                tuple(
                    (m.author.email if m.author else None, m.kind, m.body, m.channel, m.from_customer, m.created_at)
                    for m in t.messages.all()
                ),
                tuple(
                    (
                        e.type,
                        e.actor.email if e.actor else None,
                        e.reason,
                        e.created_at,
                        {k: v for k, v in e.data.items() if k not in ("message", "order", "from", "to")},
                    )
                    for e in t.events.all()
                ),
            )
        )
    refunds = sorted(
        RefundRequest.objects.values_list(
            "order__number", "amount", "status", "approved_amount", "decided_by__email", "decided_at", "created_at"
        )
    )
    ratings = sorted(CSATResponse.objects.values_list("ticket__subject", "customer__email", "rating", "created_at"))
    nps = sorted(
        NPSResponse.objects.values_list("customer__email", "offered_at", "score", "comment", "answered_at"),
        key=repr,
    )
    orders = sorted(Order.objects.values_list("number", "status", "refunded_amount", "refunded_at"))
    return [sorted(tickets, key=lambda row: row[0]), refunds, ratings, nps, orders]


def _delete_everything() -> None:
    Ticket.objects.all().delete()
    NPSResponse.objects.all().delete()
    LearningActivity.objects.all().delete()
    Enrollment.objects.all().delete()
    Order.objects.all().delete()
    User.objects.filter(groups__name=Role.CUSTOMER).delete()


def test_seeds_the_tickets_asked_for_with_their_trail():
    output = _seed(customers=30, tickets=60, seed=7)
    assert Ticket.objects.count() == 60
    assert "tickets=60" in output
    assert TicketMessage.objects.count() >= 60
    assert TicketEvent.objects.filter(type=CREATED).count() == 60
    assert CSATResponse.objects.exists()
    assert RefundRequest.objects.exists()
    assert NPSResponse.objects.exists()
    assert NPSResponse.objects.filter(score__isnull=False).exists()
    # the named demo customers have tickets to show
    assert Ticket.objects.filter(customer__email="customer@example.com").exists()
    assert Ticket.objects.filter(customer__email="customer2@example.com").exists()


@pytest.mark.parametrize("email", ["customer@example.com", "customer2@example.com"])
def test_the_readmes_customers_can_show_the_refund_journey(email, settings):
    from decimal import Decimal

    from tickets.selectors import order_list_refundable
    from tickets.services import refund_request_open

    _seed(customers=30, tickets=60, seed=7)
    customer = User.objects.get(email=email)
    window = timezone.now() - timedelta(days=settings.HELPDESK_REFUND_WINDOW_DAYS)
    fresh = [
        order
        for order in order_list_refundable(actor=customer)
        if order.paid_at >= window and not order.refund_requests.filter(status=RefundStatus.REQUESTED).exists()
    ]
    assert fresh, "no order to ask a refund for"
    assert customer.orders.count() >= 3
    refund = refund_request_open(customer=customer, order=fresh[0], amount=Decimal("1.00"), reason="买错了")
    assert refund.ticket.customer == customer


def test_second_run_adds_nothing():
    _seed(customers=30, tickets=60, seed=7)
    models = (Ticket, TicketMessage, TicketEvent, RefundRequest, CSATResponse, NPSResponse)
    counts = [m.objects.count() for m in models]
    orders = _snapshot()[-1]
    output = _seed(customers=30, tickets=60, seed=7)
    assert [m.objects.count() for m in models] == counts
    assert _snapshot()[-1] == orders
    assert "tickets=0 messages=0 events=0 refunds=0 csat=0 nps=0" in output


def test_same_seed_from_scratch_gives_the_same_data():
    _seed(customers=30, tickets=60, seed=11)
    first = _snapshot()
    _delete_everything()
    _seed(customers=30, tickets=60, seed=11)
    assert _snapshot() == first


def test_another_seed_gives_other_tickets():
    _seed(customers=30, tickets=40, seed=11)
    first = _snapshot()[0]
    _delete_everything()
    _seed(customers=30, tickets=40, seed=12)
    assert _snapshot()[0] != first


def test_a_larger_count_adds_only_the_missing_tickets(monkeypatch):
    # given 60 tickets seeded at once
    _seed(customers=30, tickets=60, seed=5)
    at_once = _snapshot()
    _delete_everything()
    # when 25 are seeded, then 60, in small chunks
    monkeypatch.setattr(demo, "CHUNK", 7)
    _seed(customers=30, tickets=25, seed=5)
    first_25 = _snapshot()[0]
    _seed(customers=30, tickets=60, seed=5)
    grown = _snapshot()
    # then the first 25 are untouched and the result is the same as at once
    assert Ticket.objects.count() == 60
    assert [row for row in grown[0] if row[0] < 25] == first_25
    assert grown == at_once


def test_a_deleted_demo_ticket_comes_back_the_same():
    _seed(customers=30, tickets=30, seed=5)
    before = _snapshot()[0]
    index = {v: k for k, v in _demo_index().items()}
    ticket = Ticket.objects.get(pk=index[17])
    if hasattr(ticket, "refund_request") or ticket.order_id:  # keep the orders as they were
        ticket = Ticket.objects.get(
            pk=index[next(i for i in range(30) if not Ticket.objects.get(pk=index[i]).order_id)]
        )
    deleted = _demo_index()[ticket.pk]
    ticket.delete()
    output = _seed(customers=30, tickets=30, seed=5)
    assert "tickets=1 " in output
    assert [row for row in _snapshot()[0] if row[0] == deleted] == [row for row in before if row[0] == deleted]


def test_tickets_without_customers_seed_the_default_customers_first(settings):
    settings.HELPDESK_DEMO_CUSTOMERS = 12
    _seed(customers=0, tickets=10, seed=3)
    assert User.objects.filter(groups__name=Role.CUSTOMER).count() == 12
    assert Ticket.objects.count() == 10


@pytest.fixture
def seeded():
    _seed(customers=40, tickets=150, seed=2026)
    return Ticket.objects.select_related("customer", "category", "assignee").prefetch_related("messages", "events")


def test_every_ticket_opens_with_the_customers_message_or_a_logged_call(seeded):
    for ticket in seeded:
        messages = list(ticket.messages.all())
        assert messages, ticket
        first = messages[0]
        if ticket.channel == "phone":
            assert not first.from_customer
            assert AgentProfile.objects.filter(user_id=first.author_id).exists()
        else:
            assert first.from_customer
            assert first.author_id == ticket.customer_id
        assert first.created_at == ticket.created_at
        for message in messages:
            assert ticket.created_at <= message.created_at <= timezone.now()
            if message.from_customer:
                assert message.author_id == ticket.customer_id
                assert message.kind == MessageKind.REPLY


def test_statuses_agree_with_the_timestamps(seeded):
    statuses = set()
    for ticket in seeded:
        statuses.add(ticket.status)
        assert ticket.created_at <= timezone.now()
        assert ticket.created_at >= timezone.now() - timedelta(days=366)
        if ticket.status in (Status.RESOLVED, Status.CLOSED):
            assert ticket.resolved_at is not None
            assert ticket.resolved_at >= ticket.created_at
        if ticket.status == Status.CLOSED:
            assert ticket.closed_at is not None
            assert ticket.closed_at >= ticket.resolved_at
        else:
            assert ticket.closed_at is None
        if ticket.status == Status.RESOLVED:
            assert ticket.resolved_at > timezone.now() - timedelta(days=7, hours=2)  # else the job closed it
        if ticket.first_responded_at is not None:
            assert ticket.first_responded_at >= ticket.created_at
        if ticket.status == Status.NEW:
            assert ticket.first_responded_at is None
        assert (ticket.status == Status.PENDING) == (ticket.sla_paused_at is not None)
        if ticket.reopen_count:
            assert ticket.events.filter(type="tickets.ticket.reopened").count() == ticket.reopen_count
    assert {Status.CLOSED, Status.RESOLVED} <= statuses
    assert statuses & {Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD}


def test_old_tickets_are_mostly_closed_and_recent_ones_mostly_open(seeded):
    old = [t for t in seeded if t.created_at < timezone.now() - timedelta(days=30)]
    assert sum(t.status == Status.CLOSED for t in old) >= 0.9 * len(old)
    assert not any(t.status == Status.NEW for t in old)


def test_the_event_trail_replays_to_the_status(seeded):
    for ticket in seeded:
        events = list(ticket.events.all())
        assert events[0].type == CREATED
        assert isinstance(events[0].data["demo"], int)
        status = Status.NEW
        for event in events:
            assert ticket.created_at <= event.created_at <= timezone.now()
            if event.type == "tickets.ticket.status_changed":
                assert event.data["from"] == status
                assert event.data["to"] in TRANSITIONS[status]
                status = event.data["to"]
            if event.type in ("tickets.ticket.replied", "tickets.ticket.noted"):
                assert TicketMessage.objects.filter(pk=event.data["message"], ticket=ticket).exists()
        assert status == ticket.status


def test_tiers_follow_the_escalation_rules(seeded):
    tier2_agents = set(AgentProfile.objects.filter(tier=2).values_list("user_id", flat=True))
    tier1_agents = set(AgentProfile.objects.filter(tier=1).values_list("user_id", flat=True)) | set(
        AgentProfile.objects.filter(tier=2, takes_tier1=True).values_list("user_id", flat=True)
    )
    vip = set(CustomerProfile.objects.filter(is_vip=True).values_list("user_id", flat=True))
    rules = set()
    for ticket in seeded:
        if ticket.category.slug == "complaint" or ticket.customer_id in vip:
            assert ticket.tier == 2, ticket
        escalations = [e for e in ticket.events.all() if e.type == "tickets.ticket.escalated"]
        if ticket.tier == 2:
            assert ticket.assignee_id in tier2_agents
            assert ticket.escalated_at == escalations[-1].created_at
            for event in escalations:
                assert event.data["rule"] in EscalationRule.values
                # a person says why; a rule's escalation is explained by the rule, in the reader's language
                assert bool(event.reason) == (event.data["rule"] == EscalationRule.MANUAL)
                rules.add(event.data["rule"])
                if event.data["rule"] == EscalationRule.MANUAL:
                    assert event.actor_id in tier1_agents
        else:
            assert not escalations
            assert ticket.assignee_id in tier1_agents
    assert {EscalationRule.COMPLAINT, EscalationRule.MANUAL} <= rules


def test_sla_times_and_breaches_are_what_the_services_compute(seeded):
    for ticket in seeded:
        recomputed = copy.copy(ticket)
        sla_due_set(recomputed)
        assert recomputed.first_response_due_at == ticket.first_response_due_at
        assert recomputed.resolution_due_at == ticket.resolution_due_at
        # time paused moves the due times later, never earlier: compare with the unpaused ones
        unpaused = copy.copy(ticket)
        unpaused.sla_paused_minutes = 0
        sla_due_set(unpaused)
        responded = ticket.first_responded_at or timezone.now()
        if ticket.first_response_breached_at is not None:
            assert unpaused.first_response_due_at <= ticket.first_response_breached_at <= responded
        elif ticket.status in (Status.NEW, Status.OPEN, Status.ON_HOLD) and ticket.first_responded_at is None:
            # (resolved without a response: solved by the automatic answer, the clock stopped)
            assert ticket.first_response_due_at > timezone.now() - timedelta(minutes=2)
        if ticket.first_responded_at is not None and ticket.first_responded_at <= unpaused.first_response_due_at:
            assert ticket.first_response_breached_at is None
        if ticket.resolution_breached_at is not None:
            assert ticket.resolution_breached_at >= unpaused.resolution_due_at
        elif ticket.status in (Status.NEW, Status.OPEN, Status.ON_HOLD):
            assert ticket.resolution_due_at > timezone.now() - timedelta(minutes=2)
    assert any(t.first_response_breached_at for t in seeded)
    assert any(t.resolution_breached_at for t in seeded)


def test_refunds_never_exceed_the_orders():
    _seed(customers=60, tickets=250, seed=4)
    requests = RefundRequest.objects.select_related("order", "ticket", "decided_by")
    assert requests.filter(status=RefundStatus.APPROVED).exists()
    assert requests.filter(status=RefundStatus.REJECTED).exists()
    deciders = set(AgentProfile.objects.filter(tier=2).values_list("user_id", flat=True)) | set(
        User.objects.filter(groups__name=Role.MANAGER).values_list("pk", flat=True)
    )
    for request in requests:
        order = request.order
        assert order.customer_id == request.ticket.customer_id == request.ticket.order.customer_id
        assert request.ticket.category.slug == "refund"
        assert 0 < request.amount <= order.amount
        assert request.created_at == request.ticket.created_at
        if request.status == RefundStatus.APPROVED:
            assert 0 < request.approved_amount <= request.amount
            assert request.decided_by_id in deciders
            assert order.refunded_at is not None
            assert order.refunded_at >= request.decided_at
            assert request.ticket.status in (Status.RESOLVED, Status.CLOSED)
        if request.status == RefundStatus.REQUESTED:
            assert request.decided_at is None
    assert requests.values("order").distinct().count() == requests.count()  # one request per order
    for order in Order.objects.all():
        assert 0 <= order.refunded_amount <= order.amount
        if order.status == OrderStatus.REFUNDED:
            assert order.refunded_amount == order.amount
        if order.status == OrderStatus.PARTIALLY_REFUNDED:
            assert 0 < order.refunded_amount < order.amount
        if order.refunded_amount and order.status in (OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED):
            approved = sum(r.approved_amount for r in order.refund_requests.all() if r.status == RefundStatus.APPROVED)
            assert approved <= order.refunded_amount


def test_tickets_link_the_customers_own_orders(seeded):
    for ticket in seeded.select_related("order"):
        if ticket.order is not None:
            assert ticket.order.customer_id == ticket.customer_id
            assert ticket.course_id == ticket.order.course_id
            assert ticket.created_at >= ticket.order.created_at


def test_auto_answered_tickets_are_solved_left_alone_or_sent_back_to_an_agent(seeded):
    answered = [t for t in seeded if t.auto_answered_at is not None]
    assert answered, "the deflection page needs auto-answered tickets"
    for ticket in answered:
        assert ticket.category.slug in AUTO_ANSWERABLE
        assert ticket.messages.filter(is_automatic=True, created_at=ticket.auto_answered_at).exists()
        if ticket.deflected_at is not None and not ticket.reopen_count:  # a reopen brings an agent in
            assert ticket.first_responded_at is None
    assert any(t.deflected_at is not None for t in answered)  # "solved"
    assert any(t.status == Status.PENDING and t.first_responded_at is None for t in answered)  # silence
    assert any(t.first_responded_at is not None for t in answered)  # "not solved": an agent took it


def test_ratings_only_on_resolved_or_closed_tickets(seeded):
    ratings = CSATResponse.objects.select_related("ticket")
    assert ratings.exists()
    assert {r.rating for r in ratings} >= {5, 4}
    for rating in ratings:
        assert rating.ticket.status in (Status.RESOLVED, Status.CLOSED)
        assert rating.customer_id == rating.ticket.customer_id
        assert 1 <= rating.rating <= 5
        assert rating.ticket.resolved_at <= rating.created_at <= timezone.now()
        assert rating.ticket.events.filter(type="tickets.csat.recorded", data__rating=rating.rating).exists()


def test_nps_surveys_follow_the_quarterly_rule(seeded):
    surveys = list(NPSResponse.objects.order_by("customer_id", "offered_at"))
    assert surveys
    previous: dict[int, datetime] = {}
    for survey in surveys:
        assert timezone.now() - timedelta(days=366) <= survey.offered_at <= timezone.now()
        if survey.customer_id in previous:
            assert survey.offered_at - previous[survey.customer_id] >= timedelta(days=91)
        previous[survey.customer_id] = survey.offered_at
        if survey.score is not None:
            assert 0 <= survey.score <= 10
            assert survey.offered_at <= survey.answered_at <= timezone.now()
        else:
            assert survey.answered_at is None
            assert not survey.comment


def test_content_speaks_the_customers_language(seeded):
    languages = set()
    for ticket in seeded.select_related("course"):
        languages.add(ticket.customer.language)
        first = ticket.messages.all()[0].body
        if ticket.customer.language == "zh-hans":
            assert CJK.search(ticket.subject), ticket.subject
            assert CJK.search(first), first
        elif ticket.course is None or ticket.course.language == "en":
            assert not CJK.search(ticket.subject), ticket.subject
            assert not CJK.search(first), first
    assert languages == {"zh-hans", "en"}


def test_fast_clock_matches_the_sla_clock():
    hours = BusinessHours.objects.get(name="Support hours")
    calendar = calendar_for(hours)
    start, end = NOW - timedelta(days=40), NOW + timedelta(days=40)
    clock = demo._FastClock(calendar, start, end)
    rnd = random.Random(1)  # noqa: S311 - test data
    for _ in range(300):
        at = start + timedelta(seconds=rnd.uniform(0, 70 * 86400))
        if rnd.random() < 0.2:
            at = at.replace(minute=0, second=0, microsecond=0)  # on interval edges too
        minutes = rnd.choice([0, 30, 60, 240, 720, 1440, rnd.uniform(0, 5000)])
        assert clock.add(at, minutes) == add_business_minutes(at, minutes, calendar)
        later = at + timedelta(minutes=rnd.uniform(0, 9000))
        assert clock.between(at, later) == business_minutes_between(at, later, calendar)
    # outside its span it asks sla_clock
    far = NOW + timedelta(days=100)
    assert clock.add(far, 90) == add_business_minutes(far, 90, calendar)


def test_templates_cover_every_category_in_both_languages():
    placeholders = ("name", "email", "course", "order", "amount", "paid_date", "refund", "refund_date", "expires")
    placeholders += ("lesson", "phone4", "new_phone4", "device", "teacher", "company", "tax_id", "txn", "waybill")
    values = dict.fromkeys((*placeholders, "code4", "ref", "minor", "n"), "x")
    for slug in Category.objects.values_list("slug", flat=True):
        for language in ("zh-hans", "en"):
            templates = demo.TEMPLATES[(slug, language)]
            assert len(templates) >= 6, (slug, language)
            for template in templates:
                for text in (template.subject, template.first, template.reply, template.follow_up, template.final):
                    assert text.format_map(values)  # no unknown placeholder
                    assert bool(CJK.search(text)) == (language == "zh-hans"), text


def test_live_chats_are_a_few_percent_with_bot_agent_ratings_and_abandoned_ones():
    from analytics.staffing import chats_abandoned_q
    from tickets.choices import Channel

    _seed(customers=60, tickets=600, seed=14)
    chats = Ticket.objects.filter(channel=Channel.CHAT).prefetch_related("messages", "events")
    share = chats.count() / Ticket.objects.count()
    assert 0.02 <= share <= 0.08, share  # a few % of the tickets
    languages, kinds = set(), set()
    for chat in chats:
        languages.add(chat.customer.language)
        messages = list(chat.messages.all())
        assert messages[0].from_customer
        assert {m.channel for m in messages} == {Channel.CHAT}
        assert messages[1].is_automatic  # the bot speaks first
        people = [m for m in messages if not m.from_customer and not m.is_automatic]
        if chat.first_responded_at is not None:
            kinds.add("answered")
            assert people[0].created_at == chat.first_responded_at
            # an agent answers in seconds, the conversation lasts minutes
            assert chat.first_responded_at - messages[1].created_at < timedelta(minutes=15)
            if chat.resolved_at and not chat.reopen_count:
                assert chat.resolved_at - chat.created_at < timedelta(hours=1)
        elif chat.deflected_at is not None:
            kinds.add("bot solved")
            assert not people
        elif chat.resolved_at is not None:
            kinds.add("abandoned")
            assert not people
            assert chat.resolution in (
                "客户在人工客服接待前离开了会话",
                "The customer left the chat before an agent answered",
            )
        # the chat SLA: due in seconds from its creation (plus the time with the bot)
        assert chat.first_response_due_at - chat.created_at <= timedelta(minutes=10)
    assert kinds == {"answered", "bot solved", "abandoned"}
    assert languages == {"zh-hans", "en"}
    assert chats.filter(chats_abandoned_q()).count() >= 1
    assert CSATResponse.objects.filter(ticket__channel=Channel.CHAT).exists()
