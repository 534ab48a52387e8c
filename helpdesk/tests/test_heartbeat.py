from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import WorkerHeartbeat
from helpdesk.selectors import heartbeat_is_stale, heartbeat_latest
from helpdesk.services import heartbeat_record
from helpdesk.tasks import heartbeat_record_task

pytestmark = pytest.mark.django_db


def test_heartbeat_keeps_one_row_per_worker_and_counts_runs():
    heartbeat_record(hostname="celery@a")
    heartbeat_record(hostname="celery@a")
    heartbeat_record(hostname="celery@b")
    assert WorkerHeartbeat.objects.count() == 2
    assert WorkerHeartbeat.objects.get(hostname="celery@a").runs == 2


def test_heartbeat_task_records_its_worker():
    heartbeat_record_task.delay()  # eager in tests
    assert WorkerHeartbeat.objects.get().runs == 1


def test_heartbeat_goes_stale_after_the_configured_time(settings):
    settings.HELPDESK_HEARTBEAT_STALE_AFTER = 180
    assert heartbeat_is_stale(None)
    beat = heartbeat_record(hostname="celery@a")
    assert not heartbeat_is_stale(beat)
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        assert heartbeat_is_stale(heartbeat_latest())


def test_admin_index_and_reports_show_the_last_run(manager_client):
    heartbeat_record(hostname="celery@worker-1")
    for url in (reverse("admin:index"), reverse("reports:home")):
        page = manager_client.get(url).content.decode()
        assert "celery@worker-1" in page
        assert "Running: last scheduled run" in page


def test_reports_warn_when_no_worker_ran(manager_client):
    page = manager_client.get(reverse("reports:home")).content.decode()
    assert "No worker has run a scheduled task yet." in page
