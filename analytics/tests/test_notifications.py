"""Reports that arrive: digests mailed through a real Celery worker to a real SMTP server,
in the manager's language with their CSV; alerts that fire once per crossing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import CustomerFactory, UserFactory
from analytics.models import DigestSubscription, ReportAlert
from analytics.notifications import alerts_check, digest_send
from conftest import wait_until
from tickets.models import CSATResponse, Ticket
from tickets.tests.test_email_outbound import SITE, smtp  # noqa: F401 - the real SMTP server fixture

TZ = ZoneInfo("Asia/Shanghai")


def rated_tickets(day: date, ratings: list[int]) -> None:
    created = datetime(day.year, day.month, day.day, 10, tzinfo=TZ)
    for rating in ratings:
        customer = CustomerFactory()
        ticket = Ticket.objects.create(
            subject="s",
            customer=customer,
            created_at=created,
            first_responded_at=created + timedelta(minutes=12),
            resolved_at=created + timedelta(hours=2),
        )
        CSATResponse.objects.create(
            ticket=ticket, customer=customer, rating=rating, created_at=created + timedelta(hours=3)
        )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_daily_digest_arrives_through_a_real_worker_in_the_manager_s_language(worker_app, smtp, time_machine):  # noqa: F811
    # given a Chinese-reading manager subscribed to the daily digest, and yesterday's tickets
    time_machine.move_to(datetime(2026, 3, 11, 7, 30, tzinfo=TZ), tick=True)
    manager = UserFactory(email="boss@example.com", roles=[Role.MANAGER], language="zh-hans")
    DigestSubscription.objects.create(user=manager, frequency="day")
    rated_tickets(date(2026, 3, 10), [5] * 9 + [4, 3, 2])
    entry = settings.CELERY_BEAT_SCHEDULE["digests-daily"]
    with start_worker(worker_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # when beat's digest entry is sent through the broker, twice
        worker_app.send_task(entry["task"], kwargs=entry["kwargs"])
        assert wait_until(lambda: len(smtp.to("boss@example.com")) == 1, timeout=60)
        worker_app.send_task(entry["task"], kwargs=entry["kwargs"])
        assert wait_until(
            lambda: DigestSubscription.objects.filter(last_period_start__isnull=False).exists(), timeout=30
        )
    # then one mail (the period is sent once), in Chinese, with the figures and their CSV
    [mail] = smtp.to("boss@example.com")
    assert "2026-03-10" in mail["Subject"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "满意度" in text
    assert "83.3%" in text
    assert "n = 12" in text
    assert f"{SITE}/reports/?granularity=day&end=2026-03-10" in text
    assert "<table" in html
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename().endswith(".csv")
    csv_text = attachment.get_content()
    assert "83.3" in csv_text
    assert "12" in csv_text


@pytest.mark.django_db
def test_a_digest_period_is_sent_once(smtp, time_machine):  # noqa: F811
    time_machine.move_to(datetime(2026, 3, 11, 7, 30, tzinfo=TZ), tick=False)
    manager = UserFactory(email="boss@example.com", roles=[Role.MANAGER], language="en")
    subscription = DigestSubscription.objects.create(user=manager, frequency="week")
    assert digest_send(subscription=subscription, today=date(2026, 3, 11)) is True
    subscription.refresh_from_db()
    assert digest_send(subscription=subscription, today=date(2026, 3, 11)) is False
    [mail] = smtp.to("boss@example.com")
    assert mail["Subject"] == "Weekly report: 2026-03-02–2026-03-08"


@pytest.mark.django_db
def test_threshold_alert_fires_once_and_again_only_after_recovering(smtp, time_machine):  # noqa: F811
    manager = UserFactory(email="boss@example.com", roles=[Role.MANAGER], language="en")
    ReportAlert.objects.create(user=manager, metric="csat", direction="below", threshold=80, window_days=7)
    # given CSAT 50 % over 12 ratings in the last 7 days
    time_machine.move_to(datetime(2026, 3, 11, 12, tzinfo=TZ), tick=False)
    rated_tickets(date(2026, 3, 10), [5] * 6 + [1] * 6)
    # when checked three times, then one mail
    assert alerts_check() == 1
    assert alerts_check() == 0
    assert alerts_check() == 0
    [mail] = smtp.to("boss@example.com")
    assert mail["Subject"] == "Alert: CSAT (share satisfied) falls below 80%"
    assert "it was 50% over the last 7 days (12 ratings)" in mail.get_body(preferencelist=("plain",)).get_content()
    # and once CSAT recovers, the alert re-arms, and fires again on the next crossing
    rated_tickets(date(2026, 3, 9), [5] * 40)
    assert alerts_check() == 0
    assert ReportAlert.objects.get().firing_since is None
    rated_tickets(date(2026, 3, 8), [1] * 60)
    assert alerts_check() == 1
    assert len(smtp.to("boss@example.com")) == 2


@pytest.mark.django_db
def test_alert_on_too_few_answers_stays_quiet(smtp, time_machine):  # noqa: F811
    manager = UserFactory(email="boss@example.com", roles=[Role.MANAGER])
    ReportAlert.objects.create(user=manager, metric="csat", direction="below", threshold=80)
    time_machine.move_to(datetime(2026, 3, 11, 12, tzinfo=TZ), tick=False)
    rated_tickets(date(2026, 3, 10), [1, 1])
    assert alerts_check() == 0
    assert smtp.messages == []


@pytest.mark.django_db
def test_manager_sets_digests_alerts_and_targets(manager, manager_client):
    url = reverse("reports:subscriptions")
    assert manager_client.get(url).status_code == 200
    manager_client.post(url, {"action": "digests", "digests-frequencies": ["day", "month"]})
    assert set(manager.digests.values_list("frequency", flat=True)) == {"day", "month"}
    response = manager_client.post(
        url,
        {
            "action": "alert-add",
            "alert-metric": "csat",
            "alert-direction": "below",
            "alert-threshold": "180",
            "alert-window_days": "7",
        },
    )
    assert response.status_code == 400
    assert "A share is at most 100%." in response.content.decode()
    manager_client.post(
        url,
        {
            "action": "alert-add",
            "alert-metric": "first_response_median",
            "alert-direction": "above",
            "alert-threshold": "30",
            "alert-window_days": "7",
        },
    )
    assert ReportAlert.objects.get().threshold == 30
    manager_client.post(url, {"action": "targets", "targets-csat": "90", "targets-first_response_median": "30"})
    from analytics.models import ReportTarget

    assert dict(ReportTarget.objects.values_list("metric", "value")) == {"csat": 90, "first_response_median": 30}
    assert manager_client.post(url, {"action": "nope"}).status_code == 400
