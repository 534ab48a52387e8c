"""Each metric against a small hand-computed fixture. The same tests run on SQLite and on
PostgreSQL (DATABASE_URL): the numbers must be identical."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import CourseKind, OrderStatus
from accounts.tests.factories import (
    CourseFactory,
    CustomerFactory,
    EnrollmentFactory,
    LearningActivityFactory,
    OrderFactory,
)
from analytics import metrics
from analytics.metrics import Filters, Period
from tickets.models import Channel, CSATResponse, NPSResponse, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
DAY = Period(start=datetime(2026, 3, 10, tzinfo=TZ), end=datetime(2026, 3, 11, tzinfo=TZ))
MARCH = Period(start=datetime(2026, 3, 1, tzinfo=TZ), end=datetime(2026, 4, 1, tzinfo=TZ))
EMPTY = Period(start=datetime(2025, 1, 1, tzinfo=TZ), end=datetime(2025, 1, 2, tzinfo=TZ))


def at(hour: int, minute: int = 0, second: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=TZ)


def ticket(**fields: object) -> Ticket:
    fields.setdefault("subject", "fixture")
    fields.setdefault("customer", CustomerFactory())
    created = fields.setdefault("created_at", at(9))
    fields.setdefault("first_response_due_at", created + timedelta(hours=1))
    fields.setdefault("resolution_due_at", created + timedelta(hours=24))
    return Ticket.objects.create(**fields)


@pytest.fixture
def day_tickets() -> dict[str, Ticket]:
    """First responses 60, 120, 300, 600 s; resolutions 3600, 3600 (2 h less 1 h pending),
    9000 (3 h less 30 min pending), 7200 s (created the day before)."""
    t1 = ticket(first_responded_at=at(9, 1), resolved_at=at(10), auto_answered_at=at(9, 0, 10))
    t2 = ticket(
        channel=Channel.EMAIL,
        first_responded_at=at(9, 2),
        resolved_at=at(11),
        sla_paused_minutes=60,
        escalated_at=at(9, 30),
        tier=2,
    )
    t3 = ticket(first_responded_at=at(9, 5), first_response_breached_at=at(9, 4), auto_answered_at=at(9, 0, 10))
    t4 = ticket(
        first_responded_at=at(9, 10),
        resolved_at=at(12),
        sla_paused_minutes=30,
        resolution_breached_at=at(11),
        escalated_at=at(9, 20),
        tier=2,
    )
    t5 = ticket(auto_answered_at=at(9, 0, 5), deflected_at=at(9, 30))  # no reply: no response time
    ticket(first_responded_at=at(9, 0, 30), resolved_at=at(9, 1), merged_into=t1)  # a duplicate: not counted
    t7 = ticket(channel=Channel.PHONE, created_at=at(23, day=9), resolved_at=at(1))
    for t, rule, when in (
        (t2, "manual", at(9, 30)),
        (t4, "complaint", at(9, 20)),
        (t7, "first_response_breach", at(0, 30)),
    ):
        TicketEvent.objects.create(ticket=t, type="tickets.ticket.escalated", data={"rule": rule}, created_at=when)
    TicketEvent.objects.create(
        ticket=t7, type="tickets.ticket.escalated", data={"rule": "vip"}, created_at=at(23, day=9)
    )
    for t, rating, when in ((t1, 5, at(13)), (t2, 4, at(13)), (t4, 3, at(14)), (t7, 2, at(20, day=9))):
        CSATResponse.objects.create(
            ticket=t, customer=t.customer, rating=rating, comment=f"rated {rating}", created_at=when
        )
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t7": t7}


def test_first_response_time_median_mean_p90_and_no_reply_excluded(day_tickets):
    result = metrics.first_response_time(period=DAY)
    assert result["count"] == 4  # t5 has no reply, the merged duplicate is not counted
    assert result["mean_seconds"] == pytest.approx(270.0)
    assert result["median_seconds"] == pytest.approx(210.0)  # (120 + 300) / 2
    assert result["p90_seconds"] == pytest.approx(510.0)  # 300 + 0.7 × 300
    assert result["stddev_seconds"] == pytest.approx(210.0)


def test_response_curve_is_empirical_beside_the_normal_model(day_tickets):
    curve = {point["minutes"]: point for point in metrics.first_response_time(period=DAY)["curve"]}
    assert curve[5]["empirical"] == 0.5  # 60 and 120 s are under 300 s; 300 s is not
    assert curve[5]["normal"] == pytest.approx(0.5568, abs=1e-4)  # Φ((300 − 270) / 210)
    assert curve[15]["empirical"] == 1.0
    assert curve[15]["normal"] == pytest.approx(0.9987, abs=1e-4)  # Φ(3)


def test_first_response_time_grouped_by_channel(day_tickets):
    by_channel = metrics.first_response_time(period=DAY, group_by="channel")
    assert set(by_channel) == {"web", "email"}
    assert by_channel["web"]["median_seconds"] == pytest.approx(300.0)
    assert by_channel["web"]["p90_seconds"] == pytest.approx(540.0)  # 300 + 0.8 × 300
    assert by_channel["email"]["median_seconds"] == pytest.approx(120.0)
    only_email = metrics.first_response_time(period=DAY, filters=Filters(channel="email"))
    assert only_email["count"] == 1


def test_resolution_time_excludes_time_waiting_on_the_customer(day_tickets):
    result = metrics.resolution_time(period=DAY)
    assert result["count"] == 4
    assert result["mean_seconds"] == pytest.approx(5850.0)
    assert result["median_seconds"] == pytest.approx(5400.0)  # (3600 + 7200) / 2
    assert result["p90_seconds"] == pytest.approx(8460.0)  # 7200 + 0.7 × 1800


def test_volume_resolution_rate_and_backlog(day_tickets):
    assert metrics.volume(period=DAY) == {"created": 5, "resolved": 4, "backlog": 2, "resolution_rate": 80.0}
    by_tier = metrics.volume(period=DAY, group_by="tier")
    assert by_tier["2"] == {"created": 2, "resolved": 2, "backlog": 0, "resolution_rate": 100.0}


def test_sla_compliance(day_tickets):
    assert metrics.sla_compliance(period=DAY) == {
        "first_response_tickets": 4,
        "first_response_met": 75.0,
        "resolution_tickets": 4,
        "resolution_met": 75.0,
        "both_met": 75.0,
    }


def test_escalation_rate_and_reasons(day_tickets):
    result = metrics.escalation(period=DAY)
    assert result["created"] == 5
    assert result["escalated"] == 2
    assert result["rate"] == 40.0
    # the vip escalation happened the day before
    assert result["by_rule"] == {"complaint": 1, "first_response_breach": 1, "manual": 1}
    by_channel = metrics.escalation(period=DAY, group_by="channel")
    assert by_channel["phone"] == {
        "created": 0,
        "escalated": 0,
        "rate": None,
        "events": 1,
        "by_rule": {"first_response_breach": 1},
    }
    assert by_channel["email"]["rate"] == 100.0


def test_auto_answer_time(day_tickets):
    assert metrics.auto_answer_time(period=DAY)["median_seconds"] == pytest.approx(10.0)


def test_deflection_is_involvement_times_resolution_confirmed_or_assumed_after_72_hours():
    """A crafted history of 10 tickets created on DAY, read 4 days later (as_of):
    6 auto-answered (involvement 60 %); of those, 1 confirmed, 2 assumed (72 h untouched),
    and 3 not resolved by automation: one reopened after "solved", one the customer replied
    to, one sent back to an agent ("not solved", then answered). Resolution 3/6 = 50 %,
    automation 3/10 = 30 % = 60 % × 50 %. Read at 48 h, the two untouched are awaiting."""
    # given
    answered = at(9, 0, 10)
    ticket(auto_answered_at=answered, deflected_at=at(10), status="resolved")  # confirmed
    ticket(auto_answered_at=answered, status="pending")  # untouched: assumed after 72 h
    ticket(auto_answered_at=answered, status="closed", resolved_at=at(12, day=13))  # auto-closed, untouched
    ticket(auto_answered_at=answered, deflected_at=at(10), reopen_count=1, status="open")  # reopen undoes it
    replied = ticket(auto_answered_at=answered, status="pending")
    replied.messages.create(author=replied.customer, body="still broken", from_customer=True, created_at=at(11))
    ticket(auto_answered_at=answered, status="open", first_responded_at=at(11))  # "not solved", an agent took it
    for _ in range(4):
        ticket(first_responded_at=at(9, 30))  # never auto-answered
    ticket(created_at=at(9, day=9), auto_answered_at=at(9, 0, 10, day=9))  # the day before: not counted
    # when
    later = metrics.deflection(period=DAY, as_of=at(9, day=14))
    soon = metrics.deflection(period=DAY, as_of=at(9, day=12))
    # then
    assert later == {
        "created": 10,
        "auto_answered": 6,
        "involvement": 60.0,
        "confirmed": 1,
        "assumed": 2,
        "awaiting": 0,
        "resolved": 3,
        "resolution": 50.0,
        "automation": 30.0,
    }
    assert (soon["confirmed"], soon["assumed"], soon["awaiting"], soon["automation"]) == (1, 0, 2, 10.0)
    assert metrics.deflection(period=EMPTY) is None


def test_csat_counts_4_and_5_as_satisfied_and_3_not(day_tickets):
    result = metrics.csat(period=DAY)
    assert result["responses"] == 3
    assert result["satisfied"] == 2
    assert result["score"] == 66.7
    assert result["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    # newest first; the two given at the same time, the later row first
    assert [c["rating"] for c in metrics.csat_comments(period=DAY)] == [3, 4, 5]


def test_nps_boundaries_6_detractor_7_8_passive_9_promoter():
    customer = CustomerFactory()
    for score in (10, 9, 9, 8, 7, 6):
        NPSResponse.objects.create(customer=customer, score=score, answered_at=at(12))
    NPSResponse.objects.create(customer=customer)  # offered, never answered
    NPSResponse.objects.create(customer=customer, score=0, answered_at=at(12, day=9))  # the day before
    result = metrics.nps(period=DAY)
    assert (result["promoters"], result["passives"], result["detractors"]) == (3, 2, 1)
    assert result["score"] == 33.3  # (3 − 1) / 6
    assert result["distribution"]["9"] == 2


def test_no_data_is_none_never_zero_nor_an_error():
    assert metrics.volume(period=EMPTY) is None
    assert metrics.first_response_time(period=EMPTY) is None
    assert metrics.first_response_time(period=EMPTY, group_by="agent") == {}
    assert metrics.resolution_time(period=EMPTY) is None
    assert metrics.sla_compliance(period=EMPTY) is None
    assert metrics.escalation(period=EMPTY) is None
    assert metrics.deflection(period=EMPTY) is None
    assert metrics.csat(period=EMPTY) is None
    assert metrics.nps(period=EMPTY) is None
    assert metrics.churn(period=EMPTY) is None
    assert metrics.repurchase(period=EMPTY) is None
    assert metrics.clv(period=EMPTY) is None
    assert metrics.cohort_retention(end=EMPTY.end) is None
    assert metrics.learner_segments(end=EMPTY.end) is None


def test_a_period_must_be_aware_and_not_empty():
    with pytest.raises(ValueError, match="timezone-aware"):
        Period(start=datetime(2026, 1, 1), end=datetime(2026, 1, 2))  # noqa: DTZ001
    with pytest.raises(ValueError, match="end after"):
        Period(start=DAY.end, end=DAY.start)


@pytest.fixture
def march_customers() -> dict[str, object]:
    """A and B bought in February (active at March's start); C and D hold memberships, C's
    runs past March, D's ends on 15 March; E buys for the first time in March; F's only
    order was refunded."""
    membership = CourseFactory(kind=CourseKind.MEMBERSHIP, price=Decimal("300"))
    course = CourseFactory(price=Decimal("100"))
    people = {name: CustomerFactory() for name in "ABCDEF"}
    OrderFactory(customer=people["A"], course=course, paid_at=datetime(2026, 2, 15, 12, tzinfo=TZ))
    OrderFactory(customer=people["A"], course=course, paid_at=datetime(2026, 3, 10, 12, tzinfo=TZ))
    OrderFactory(customer=people["A"], course=course, paid_at=datetime(2026, 3, 20, 12, tzinfo=TZ))
    OrderFactory(customer=people["B"], course=course, paid_at=datetime(2026, 2, 20, 12, tzinfo=TZ))
    OrderFactory(
        customer=people["C"],
        course=membership,
        paid_at=datetime(2026, 1, 10, 12, tzinfo=TZ),
        access_expires_at=datetime(2026, 5, 10, 12, tzinfo=TZ),
    )
    OrderFactory(
        customer=people["D"],
        course=membership,
        paid_at=datetime(2026, 1, 10, 12, tzinfo=TZ),
        access_expires_at=datetime(2026, 3, 15, 12, tzinfo=TZ),
    )
    OrderFactory(
        customer=people["E"],
        course=course,
        amount=Decimal("200"),
        refunded_amount=Decimal("50"),
        status=OrderStatus.PARTIALLY_REFUNDED,
        paid_at=datetime(2026, 3, 5, 12, tzinfo=TZ),
    )
    OrderFactory(
        customer=people["F"],
        course=course,
        status=OrderStatus.REFUNDED,
        refunded_amount=Decimal("100"),
        paid_at=datetime(2026, 2, 25, 12, tzinfo=TZ),
    )
    OrderFactory(customer=people["F"], course=course, status=OrderStatus.PENDING, paid_at=None)
    return {**people, "course": course, "membership": membership}


def test_churn_and_retention(march_customers):
    assert metrics.churn(period=MARCH) == {
        "active_at_start": 4,
        "retained": 2,
        "churned": 2,
        "churn_rate": 50.0,
        "retention_rate": 50.0,
    }
    # only the membership's orders: C retained, D churned
    assert metrics.churn(period=MARCH, course=march_customers["membership"].pk)["churn_rate"] == 50.0


def test_repurchase_rate(march_customers):
    assert metrics.repurchase(period=MARCH) == {"buyers": 2, "repeat_buyers": 1, "rate": 50.0}


def test_clv_is_order_value_times_frequency_times_lifespan(march_customers):
    result = metrics.clv(period=MARCH)
    assert result["orders"] == 3
    assert result["revenue"] == 350.0  # 100 + 100 + (200 − 50 refunded)
    assert result["average_order_value"] == 116.67
    assert result["purchase_frequency"] == 1.5
    assert result["lifespan_periods"] == 2.0  # 1 / 50 % churn
    assert result["clv"] == pytest.approx(350.0)


def test_customer_metrics_of_every_course_at_once_match_each_course_alone(march_customers, django_assert_num_queries):
    course, membership = march_customers["course"], march_customers["membership"]
    with django_assert_num_queries(4):
        by_course = metrics.customers_by_course(period=MARCH)
    # the course: A and B active at 1 March, A bought again (retained), B did not; in March
    # A bought twice and E once (200 − 50 refunded)
    assert by_course[str(course.pk)]["churn"] == {
        "active_at_start": 2,
        "retained": 1,
        "churned": 1,
        "churn_rate": 50.0,
        "retention_rate": 50.0,
    }
    assert by_course[str(course.pk)]["repurchase"] == {"buyers": 2, "repeat_buyers": 1, "rate": 50.0}
    assert by_course[str(course.pk)]["clv"]["revenue"] == 350.0
    assert by_course[str(course.pk)]["clv"]["clv"] == pytest.approx(350.0)
    # the membership: C's runs on, D's ends in March; nothing bought in March
    assert by_course[str(membership.pk)]["churn"]["churn_rate"] == 50.0
    assert by_course[str(membership.pk)]["repurchase"] is None
    assert by_course[str(membership.pk)]["clv"] is None
    for pk in (course.pk, membership.pk):
        assert by_course[str(pk)] == {
            "churn": metrics.churn(period=MARCH, course=pk),
            "repurchase": metrics.repurchase(period=MARCH, course=pk),
            "clv": metrics.clv(period=MARCH, course=pk),
        }
    assert set(by_course) == {str(course.pk), str(membership.pk)}


def test_customer_metrics_by_course_take_the_same_queries_for_more_courses(march_customers, django_assert_num_queries):
    for _ in range(5):
        OrderFactory(customer=CustomerFactory(), course=CourseFactory(), paid_at=datetime(2026, 3, 3, 12, tzinfo=TZ))
    with django_assert_num_queries(4):
        assert len(metrics.customers_by_course(period=MARCH)) == 7
    assert metrics.customers_by_course(period=EMPTY) == {}


def test_cohort_retention_by_month_of_first_purchase(march_customers):
    table = metrics.cohort_retention(end=MARCH.end)
    assert table == [
        {"cohort": "2026-01", "size": 2, "retention": [100.0, 0.0, 0.0]},
        {"cohort": "2026-02", "size": 2, "retention": [100.0, 50.0]},
        {"cohort": "2026-03", "size": 1, "retention": [100.0]},
    ]


def test_learner_segments_list_the_least_engaged_as_at_risk():
    end = datetime(2026, 3, 29, tzinfo=TZ)
    recent = end.date() - timedelta(days=3)
    heavy = [EnrollmentFactory(completed_at=datetime(2026, 3, 1, tzinfo=TZ)) for _ in range(3)]
    medium = [EnrollmentFactory() for _ in range(2)]
    idle = EnrollmentFactory()
    lapsed = EnrollmentFactory()
    for enrollment, minutes, sessions in [(e, 1200 + 50 * i, 20) for i, e in enumerate(heavy)] + [
        (e, 400 + 20 * i, 8) for i, e in enumerate(medium)
    ]:
        LearningActivityFactory(enrollment=enrollment, day=recent, minutes=minutes, sessions=sessions)
    LearningActivityFactory(enrollment=lapsed, day=end.date() - timedelta(days=60), minutes=900, sessions=9)
    for enrollment in [*heavy, *medium, idle, lapsed]:
        enrollment.enrolled_at = datetime(2026, 1, 5, tzinfo=TZ)
        enrollment.save()
    result = metrics.learner_segments(end=end)
    assert result["learners"] == 7
    assert [(s["key"], s["learners"]) for s in result["segments"]] == [("at_risk", 2), ("casual", 2), ("engaged", 3)]
    assert {learner["customer_id"] for learner in result["at_risk"]} == {idle.customer_id, lapsed.customer_id}
    assert result["segments"][2]["minutes_per_week"] == pytest.approx(312.5)  # 1250 / 4 weeks
    assert result["segments"][2]["completion_rate"] == 100.0


def test_help_center_deflection_counts_visits_without_a_ticket_after_them():
    from kb.models import ArticleVisit, VisitSource
    from kb.tests.factories import article

    page = article("How to get a refund", "Open your orders and choose the order.")
    followed = ticket(created_at=at(11))
    visits = [
        (VisitSource.BROWSE, at(10), None),
        (VisitSource.BROWSE, at(10, 5), followed),  # a ticket came after it
        (VisitSource.SUGGESTION, at(10, 30), None),  # the customer gave up the ticket
        (VisitSource.SUGGESTION, at(10, 40), followed),
        (VisitSource.SUGGESTION, at(10, 50), followed),
        (VisitSource.BROWSE, at(23, 59, 59, day=9), None),  # the day before: not counted
    ]
    for source, when, then in visits:
        ArticleVisit.objects.create(article=page, source=source, session_key="s", ticket=then, created_at=when)
    assert metrics.help_center_deflection(period=DAY) == {
        "article_views": 5,
        "views_deflected": 2,
        "view_rate": 40.0,
        "suggestion_opens": 3,
        "suggestions_deflected": 1,
        "suggestion_rate": 33.3,
    }
    assert metrics.help_center_deflection(period=EMPTY) is None
