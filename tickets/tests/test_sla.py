from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tickets.models import BusinessHours, SLAPolicy, Status, Ticket, TicketEvent
from tickets.services import sla_breaches_mark, ticket_reply, ticket_status_set
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def office_hours():
    """Normal priority: 60 min first response, 480 min resolution, Mon-Fri 09:00-18:00."""
    hours = BusinessHours.objects.create(
        name="Office", timezone="Asia/Shanghai", weekly={str(d): [["09:00", "18:00"]] for d in range(5)}
    )
    SLAPolicy.objects.filter(priority="normal").update(
        first_response_minutes=60, resolution_minutes=480, business_hours=hours
    )


def test_seeded_policies_cover_every_priority():
    assert set(SLAPolicy.objects.values_list("priority", flat=True)) == {"low", "normal", "high", "urgent"}


def test_due_times_follow_business_hours(customer_a, office_hours):
    # given a ticket opened on Friday 17:30
    with time_machine.travel(datetime(2026, 11, 20, 17, 30, tzinfo=SHANGHAI), tick=False):
        ticket = open_ticket(customer_a)
    # then 30 minutes count on Friday and 30 on Monday morning
    assert ticket.first_response_due_at == datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    assert ticket.resolution_due_at == datetime(2026, 11, 23, 16, 30, tzinfo=SHANGHAI)


def test_due_times_follow_the_china_calendar_over_the_spring_festival(customer_a, office_hours):
    BusinessHours.objects.filter(name="Office").update(follows_china_calendar=True)
    # given a ticket opened on Friday 13 February 2026, 17:30, before the make-up Saturday
    with time_machine.travel(datetime(2026, 2, 13, 17, 30, tzinfo=SHANGHAI), tick=False):
        ticket = open_ticket(customer_a)
    # then the first response is due on Saturday 14 (a working day) and the resolution,
    # 480 minutes, runs 30 on Friday, 540 on Saturday would end it at 16:30 that day
    assert ticket.first_response_due_at == datetime(2026, 2, 14, 9, 30, tzinfo=SHANGHAI)
    assert ticket.resolution_due_at == datetime(2026, 2, 14, 16, 30, tzinfo=SHANGHAI)
    # and one opened on the Saturday evening waits for the end of the holiday (Tuesday 24)
    with time_machine.travel(datetime(2026, 2, 14, 17, 30, tzinfo=SHANGHAI), tick=False):
        later = open_ticket(customer_a)
    assert later.first_response_due_at == datetime(2026, 2, 24, 9, 30, tzinfo=SHANGHAI)


def test_business_hours_are_edited_in_a_form_not_json():
    from tickets.forms.business_hours import BusinessHoursForm

    data = {
        "name": "Office",
        "timezone": "Asia/Shanghai",
        "follows_china_calendar": "on",
        **{f"day_{d}": "09:00-12:00, 13:00-18:00" for d in range(5)},
        "day_5": "",
        "day_6": "",
        "closures": "2027-02-08\n2027-02-10..2027-02-12",
        "extra_working_days": "2027-02-20",
    }
    form = BusinessHoursForm(data=data)
    assert form.is_valid(), form.errors
    hours = form.save()
    assert hours.weekly["0"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert "5" not in hours.weekly
    assert hours.holidays == ["2027-02-08", "2027-02-10", "2027-02-11", "2027-02-12"]
    assert hours.working_days == ["2027-02-20"]
    # bad input re-renders with the reason, nothing saved
    bad = BusinessHoursForm(data={**data, "name": "Other", "day_0": "9 to 5", "closures": "next Monday"})
    assert not bad.is_valid()
    assert "09:00-18:00" in bad.errors["day_0"][0]
    assert "is not a date" in bad.errors["closures"][0]
    hours_out = BusinessHoursForm(data={**data, "name": "Other", "day_1": "18:00-09:00"})
    assert not hours_out.is_valid()
    assert "cannot be used" in str(hours_out.errors)


def test_without_business_hours_the_clock_runs_around_the_clock(customer_a):
    SLAPolicy.objects.filter(priority="urgent").update(first_response_minutes=30, business_hours=None)
    with time_machine.travel(datetime(2026, 11, 21, 23, 50, tzinfo=SHANGHAI), tick=False):
        ticket = open_ticket(customer_a, priority="urgent")
    assert ticket.first_response_due_at == datetime(2026, 11, 22, 0, 20, tzinfo=SHANGHAI)


def test_no_policy_means_no_due_times(customer_a):
    SLAPolicy.objects.filter(priority="low").delete()
    ticket = open_ticket(customer_a, priority="low")
    assert ticket.first_response_due_at is None
    assert sla_breaches_mark(now=timezone.now() + timedelta(days=30))["first_response"] == 0


def test_the_clock_pauses_while_pending(customer_a, tier1_agent, office_hours):
    # given a ticket opened Monday 10:00, answered at 10:10 with "pending"
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday, tick=False):
        ticket = open_ticket(customer_a)
    assert ticket.resolution_due_at == datetime(2026, 11, 23, 18, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday + timedelta(minutes=10), tick=False):
        ticket_reply(ticket=ticket, author=tier1_agent, body="请提供订单截图", status=Status.PENDING)
    # when the customer answers two business hours later
    with time_machine.travel(monday + timedelta(hours=2, minutes=10), tick=False):
        ticket_reply(ticket=ticket, author=customer_a, body="截图如下")
    # then the resolution target moved by the two business hours spent waiting on the
    # customer: from Monday 18:00 (closing) to Tuesday 11:00
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.sla_paused_minutes == pytest.approx(120)
    assert ticket.resolution_due_at == datetime(2026, 11, 24, 11, 0, tzinfo=SHANGHAI)
    assert {"tickets.ticket.sla_paused", "tickets.ticket.sla_resumed"} <= set(
        TicketEvent.objects.filter(ticket=ticket).values_list("type", flat=True)
    )


def test_paused_time_outside_business_hours_does_not_count(customer_a, tier1_agent, office_hours):
    friday = datetime(2026, 11, 20, 17, 0, tzinfo=SHANGHAI)
    with time_machine.travel(friday, tick=False):
        ticket = open_ticket(customer_a)
        ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.PENDING)
    with time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI), tick=False):
        ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.OPEN)
    ticket.refresh_from_db()
    assert ticket.sla_paused_minutes == pytest.approx(90)  # 17:00-18:00 Friday, 09:00-09:30 Monday


def test_pending_tickets_are_not_marked_breached(customer_a, tier1_agent):
    ticket = open_ticket(customer_a, priority="urgent")
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.PENDING)
    assert sla_breaches_mark(now=ticket.resolution_due_at + timedelta(hours=1)) == {
        "first_response": 0,
        "resolution": 0,
        "escalated": 0,
    }


def test_breach_marking_is_idempotent(customer_a, tier2_agent, manager):
    ticket = open_ticket(customer_a, priority="urgent")
    later = ticket.resolution_due_at + timedelta(minutes=1)
    first = sla_breaches_mark(now=later)
    version = Ticket.objects.get(pk=ticket.pk).version
    events = TicketEvent.objects.count()
    second = sla_breaches_mark(now=later)
    assert first["first_response"] == 1
    assert first["resolution"] == 1
    assert second == {"first_response": 0, "resolution": 0, "escalated": 0}
    assert Ticket.objects.get(pk=ticket.pk).version == version
    assert TicketEvent.objects.count() == events


def test_answered_tickets_do_not_breach_first_response(customer_a, tier1_agent):
    ticket = open_ticket(customer_a, priority="urgent")
    ticket_reply(ticket=ticket, author=tier1_agent, body="在处理了")
    assert sla_breaches_mark(now=ticket.first_response_due_at + timedelta(minutes=1))["first_response"] == 0


def test_resolved_tickets_do_not_breach(customer_a, tier1_agent):
    ticket = open_ticket(customer_a, priority="urgent")
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    assert sla_breaches_mark(now=ticket.resolution_due_at + timedelta(days=1)) == {
        "first_response": 0,
        "resolution": 0,
        "escalated": 0,
    }
