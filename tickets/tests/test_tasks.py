"""The ticket schedules: the task functions' logic, and the SLA job through a real worker."""

from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from conftest import wait_until
from tickets.models import Ticket
from tickets.tasks import nps_offer_due_task, sla_breaches_mark_task, tickets_close_resolved_task
from tickets.tests.factories import open_ticket


def test_ticket_schedules_are_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "tickets.tasks.sla_breaches_mark_task",
        "tickets.tasks.tickets_close_resolved_task",
        "tickets.tasks.nps_offer_due_task",
    } <= tasks


@pytest.mark.django_db
def test_tasks_call_their_services(customer_a):
    ticket = open_ticket(customer_a, priority="urgent")
    with time_machine.travel(ticket.first_response_due_at + timedelta(minutes=1)):
        assert sla_breaches_mark_task()["first_response"] == 1
        assert sla_breaches_mark_task()["first_response"] == 0
    assert tickets_close_resolved_task() == 0
    assert nps_offer_due_task() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sla_job_marks_breaches_through_a_real_worker(worker_app, customer_a):
    # given an urgent ticket whose first-response target passed
    ticket = open_ticket(customer_a, priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(first_response_due_at=timezone.now() - timedelta(minutes=1))
    # when the scheduled task is sent to a real worker
    with start_worker(worker_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        sla_breaches_mark_task.delay()
        # then the breach is marked and the tier-1 ticket is escalated
        assert wait_until(lambda: Ticket.objects.get(pk=ticket.pk).first_response_breached_at is not None)
    assert Ticket.objects.get(pk=ticket.pk).tier == 2
