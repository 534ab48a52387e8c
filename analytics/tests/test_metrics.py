"""Each metric against a small hand-computed fixture. The same tests run on SQLite and on
PostgreSQL (DATABASE_URL): the numbers must be identical."""

from datetime import date, datetime, timedelta
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


def test_response_curve_is_empirical_beside_a_log_normal_model_and_its_fit(day_tickets):
    result = metrics.first_response_time(period=DAY)
    curve = {point["minutes"]: point for point in result["curve"]}
    # ln 60, ln 120, ln 300, ln 600: mean μ = 5.2456, population deviation σ = 0.8762
    assert result["lognormal"]["mu"] == pytest.approx(5.2456, abs=1e-4)
    assert result["lognormal"]["sigma"] == pytest.approx(0.8762, abs=1e-4)
    assert curve[5]["empirical"] == 0.5  # 60 and 120 s are under 300 s; 300 s is not
    assert curve[5]["lognormal"] == pytest.approx(0.6995, abs=1e-4)  # Φ((ln 300 − μ) / σ)
    assert curve[15]["empirical"] == 1.0
    assert curve[15]["lognormal"] == pytest.approx(0.9622, abs=1e-4)
    # the fit: the largest gap between model and observation, at 5 minutes
    assert result["lognormal"]["max_gap_pct"] == pytest.approx(20.0, abs=0.1)


def test_log_normal_model_says_nothing_answered_where_nothing_was():
    # skewed times, all over 10 minutes: a normal model with their mean and deviation
    # says 33% within 5 minutes
    for minutes in (11, 12, 14, 15, 20, 25, 40, 60, 120, 600):
        ticket(first_responded_at=at(9) + timedelta(minutes=minutes))
    curve = {point["minutes"]: point for point in metrics.first_response_time(period=DAY)["curve"]}
    assert curve[5]["empirical"] == 0.0
    assert curve[5]["lognormal"] == pytest.approx(0.0535, abs=1e-4)


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
    # created on the 10th: t1–t5, of which t1, t2, t4 are resolved (all within 24 hours);
    # resolved on the 10th: t1, t2, t4 and t7 (created on the 9th)
    assert metrics.volume(period=DAY) == {
        "created": 5,
        "resolved": 4,
        "backlog": 2,
        "created_resolved": 3,
        "resolution_rate": 60.0,
        "resolved_within_24h_rate": 60.0,
        "throughput_ratio": 80.0,
    }
    by_tier = metrics.volume(period=DAY, group_by="tier")
    assert by_tier["2"]["resolution_rate"] == 100.0


def test_resolution_rate_never_exceeds_100_percent():
    # given one ticket created today and five created earlier, all resolved today
    ticket(created_at=at(9), resolved_at=at(10))
    for day in range(3, 8):
        ticket(created_at=at(9, day=day), resolved_at=at(11))
    ticket(created_at=at(10), resolved_at=at(11, day=12))  # resolved after 49 hours
    ticket(created_at=at(11))  # not resolved
    result = metrics.volume(period=DAY)
    # then the throughput ratio says 6 resolved for 3 created, and the rate stays a rate
    assert result["throughput_ratio"] == 200.0
    assert result["resolution_rate"] == 66.7
    assert result["resolved_within_24h_rate"] == 33.3


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
    assert result["mean"] == 4.0  # (5 + 4 + 3) / 3
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


def test_clv_is_order_value_times_frequency_times_lifespan_over_twelve_months(march_customers):
    result = metrics.clv(period=MARCH)
    # the 12 months to 1 April 2026: A's three orders, B's, C's, D's and E's (F's was refunded)
    assert result["orders"] == 7
    assert result["customers"] == 5
    assert result["revenue"] == 1150.0  # 100 × 4 + 300 × 2 + (200 − 50 refunded)
    assert result["average_order_value"] == 164.29
    assert result["purchase_frequency"] == 1.4
    # nobody was active on 1 April 2025, so the year's churn and the lifespan are unknown
    assert result["lifespan_years"] is None
    assert result["clv"] is None


def test_clv_is_the_same_whatever_the_granularity():
    # given customers who bought in 2025 and some who came back in 2026
    course = CourseFactory(price=Decimal("100"))
    people = [CustomerFactory() for _ in range(4)]
    for person in people:
        OrderFactory(customer=person, course=course, paid_at=datetime(2025, 2, 10, 12, tzinfo=TZ))
    for person in people[:2]:
        OrderFactory(customer=person, course=course, paid_at=datetime(2025, 9, 10, 12, tzinfo=TZ))
    OrderFactory(customer=people[0], course=course, paid_at=datetime(2026, 3, 10, 12, tzinfo=TZ))
    end = datetime(2026, 3, 11, tzinfo=TZ)
    day, week, month = (
        Period(start=end - timedelta(days=1), end=end),
        Period(start=end - timedelta(days=7), end=end),
        Period(start=end - timedelta(days=28), end=end),
    )
    # when CLV is computed for a day, a week and a four-week period ending together
    figures = [metrics.clv(period=p) for p in (day, week, month)]
    # then it is the same: the 12 months to 11 March 2026 hold 3 orders of 2 customers;
    # of the 4 customers active on 11 March 2025 (bought in the year before), 2 are still
    # active (bought within the year before 11 March 2026): churn 50 %, lifespan 2 years;
    # CLV = ¥100 × 1.5 orders a year × 2 years
    assert figures[0] == figures[1] == figures[2]
    assert figures[0]["orders"] == 3
    assert figures[0]["purchase_frequency"] == 1.5
    assert figures[0]["annual_churn_rate"] == 50.0
    assert figures[0]["lifespan_years"] == 2.0
    assert figures[0]["clv"] == 300.0


def test_customer_metrics_of_every_course_at_once_match_each_course_alone(march_customers, django_assert_num_queries):
    course, membership = march_customers["course"], march_customers["membership"]
    with django_assert_num_queries(6):
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
    assert by_course[str(course.pk)]["clv"]["revenue"] == 550.0  # the year's orders: 4 × 100 + (200 − 50)
    # the membership: C's runs on, D's ends in March; nothing bought in March
    assert by_course[str(membership.pk)]["churn"]["churn_rate"] == 50.0
    assert by_course[str(membership.pk)]["repurchase"] is None
    assert by_course[str(membership.pk)]["clv"]["orders"] == 2
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
    with django_assert_num_queries(6):
        assert len(metrics.customers_by_course(period=MARCH)) == 7
    assert metrics.customers_by_course(period=EMPTY) == {}


def test_cohort_retention_by_month_of_first_purchase(march_customers):
    table = metrics.cohort_retention(end=MARCH.end)
    assert table == [
        {"cohort": "2026-01", "size": 2, "retention": [100.0, 0.0, 0.0]},
        {"cohort": "2026-02", "size": 2, "retention": [100.0, 50.0]},
        {"cohort": "2026-03", "size": 1, "retention": [100.0]},
    ]


def test_learner_segments_cluster_by_engagement():
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
    assert [(s["key"], s["learners"]) for s in result["segments"]] == [("low", 2), ("casual", 2), ("engaged", 3)]
    # the idle and the lapsed learner learnt nothing in the six weeks before: no pattern to drop from
    assert result["at_risk"] == []
    assert result["segments"][2]["minutes_per_week"] == pytest.approx(312.5)  # 1250 / 4 weeks
    assert result["segments"][2]["completion_rate"] == 100.0


def _learning(enrollment: object, minutes_by_day: dict) -> None:
    for day, minutes in minutes_by_day.items():
        LearningActivityFactory(enrollment=enrollment, day=day, minutes=minutes, sessions=1)


def _weekly(first: date, weeks: int, minutes: int) -> dict:
    return {first + timedelta(weeks=week): minutes for week in range(weeks)}


def test_at_risk_learners_dropped_against_their_own_earlier_pattern():
    # the period ends on 29 March: recent = 15–28 March, earlier = 1 February – 14 March
    end = datetime(2026, 3, 29, tzinfo=TZ)
    enrolled = datetime(2026, 1, 5, tzinfo=TZ)
    steady, dropped, light, done, late = (EnrollmentFactory(enrolled_at=enrolled) for _ in range(5))
    late.enrolled_at = datetime(2026, 2, 10, tzinfo=TZ)
    late.save()
    done.completed_at = datetime(2026, 3, 20, tzinfo=TZ)
    done.save()
    for enrollment in (steady, dropped, done, late):
        _learning(enrollment, _weekly(date(2026, 2, 2), 6, 60))  # 60 minutes a week
    _learning(steady, _weekly(date(2026, 3, 16), 2, 50))  # 50 a week: under 50 % it is not
    _learning(dropped, {date(2026, 3, 16): 20})  # 10 a week: a drop of 83.3 %
    _learning(light, _weekly(date(2026, 2, 2), 6, 10))  # 10 a week: too little to drop from
    # a future day never counts
    _learning(dropped, {date(2026, 3, 30): 500})
    with_pattern, total, listed = metrics.learners_at_risk(end=end)
    # steady and dropped have a pattern; done completed its course (no active enrollment),
    # late enrolled after the earlier window began, light learnt too little to drop from
    assert with_pattern == 2
    assert total == 1
    assert listed == [
        {
            "customer_id": dropped.customer_id,
            "name": dropped.customer.name or dropped.customer.email,
            "earlier_minutes_per_week": 60.0,
            "recent_minutes_per_week": 10.0,
            "drop_pct": 83.3,
        }
    ]


def test_at_risk_never_reads_a_window_in_the_future(time_machine):
    # on 20 March, the month's report ends on 1 April: the windows end today, not on 1 April
    time_machine.move_to(datetime(2026, 3, 20, 15, tzinfo=TZ), tick=False)
    learner = EnrollmentFactory(enrolled_at=datetime(2026, 1, 5, tzinfo=TZ))
    _learning(learner, {**_weekly(date(2026, 1, 26), 6, 60), **_weekly(date(2026, 3, 9), 2, 60)})
    # with windows ending on 31 March, the last 14 days would be half empty: a false drop
    assert metrics.learners_at_risk(end=datetime(2026, 4, 1, tzinfo=TZ))[1] == 0


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


def test_business_time_follows_the_china_calendar_across_the_spring_festival():
    """Support hours Monday to Friday 09:00–18:00 following mainland China's calendar:
    closed 15–23 February 2026 (the Spring Festival), open on the make-up Saturday 14."""
    from tickets.models import BusinessHours, SLAPolicy

    weekdays = {str(day): [["09:00", "18:00"]] for day in range(5)}
    BusinessHours.objects.filter(name="Support hours").update(weekly=weekdays, follows_china_calendar=True)
    assert SLAPolicy.objects.get(priority="normal").business_hours.name == "Support hours"
    assert SLAPolicy.objects.get(priority="urgent").business_hours is None  # around the clock
    feb = Period(start=datetime(2026, 2, 1, tzinfo=TZ), end=datetime(2026, 3, 1, tzinfo=TZ))

    def moment(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 2, day, hour, minute, tzinfo=TZ)

    # Friday 13, 17:00 → Tuesday 24, 10:00: 1 h on Friday + 9 h on the make-up Saturday +
    # the holiday closed + 1 h on Tuesday = 11 h; resolved Wednesday 25, 12:00 (9 h on
    # Tuesday, 3 h on Wednesday: 22 h) less 60 business minutes waiting on the customer.
    ticket(
        priority="normal",
        created_at=moment(13, 17),
        first_responded_at=moment(24, 10),
        resolved_at=moment(25, 12),
        sla_paused_minutes=60,
    )
    # On the make-up Saturday itself: 30 minutes, all of them working time.
    ticket(priority="normal", created_at=moment(14, 10), first_responded_at=moment(14, 10, 30))
    # Urgent tickets run around the clock, holiday or not: 10 minutes.
    ticket(priority="urgent", channel=Channel.PHONE, created_at=moment(20, 10), first_responded_at=moment(20, 10, 10))

    response = metrics.first_response_time(period=feb)
    assert response["median_seconds"] == pytest.approx(1800.0)  # wall clock: 600, 1800, 11 days 17 h
    assert response["business"] == {
        "count": 3,
        "mean_seconds": pytest.approx((39600 + 1800 + 600) / 3, abs=0.1),
        "median_seconds": 1800.0,
        "p90_seconds": pytest.approx(1800 + 0.8 * (39600 - 1800)),  # linear, as percentile_cont
    }
    by_channel = metrics.first_response_time(period=feb, group_by="channel")
    assert by_channel[Channel.PHONE]["business"]["median_seconds"] == 600.0
    assert by_channel[Ticket._meta.get_field("channel").default]["business"]["count"] == 2
    resolution = metrics.resolution_time(period=feb)
    assert resolution["business"]["median_seconds"] == pytest.approx(22 * 3600 - 3600)
    assert resolution["median_seconds"] == pytest.approx((12 * 24 - 5) * 3600 - 3600)  # wall clock


def test_business_time_is_left_out_when_every_clock_runs_around_the_clock(day_tickets):
    from tickets.models import SLAPolicy

    SLAPolicy.objects.update(business_hours=None)
    assert "business" not in metrics.first_response_time(period=DAY)
    assert "business" not in metrics.resolution_time(period=DAY)


def test_a_snapshot_measures_business_times_once_for_every_grouping(day_tickets):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from analytics.metrics.business_time import business_time_batch

    alone = {group: metrics.first_response_time(period=DAY, group_by=group) for group in (None, "channel", "tier")}
    with business_time_batch(), CaptureQueriesContext(connection) as queries:
        batched = {
            group: metrics.first_response_time(period=DAY, group_by=group) for group in (None, "channel", "tier")
        }
    assert batched == alone
    with CaptureQueriesContext(connection) as unbatched:
        for group in (None, "channel", "tier"):
            metrics.first_response_time(period=DAY, group_by=group)
    assert len(unbatched) - len(queries) == 2  # the tickets are read once, not three times
