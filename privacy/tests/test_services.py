"""Personal-data rights: export, erasure and retention, each audited."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import CustomerFactory, EnrollmentFactory
from analytics.models import ReportSnapshot
from helpdesk.audit import CONTEXT_VIEWED, DATA_ERASED, DATA_EXPORTED
from helpdesk.models import AuditEvent
from privacy.services import (
    ERASED,
    anonymous_accounts_delete,
    customer_erase,
    customer_export,
    help_center_searches_delete,
    mail_raw_purge,
    tickets_closed_anonymise,
)
from tickets.email.ingest import mail_ingest
from tickets.models import Attachment, CSATResponse, MailMessage, Ticket, TicketMessage
from tickets.services import csat_record, ticket_reply, ticket_status_set
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(customer_a, tier1_agent):
    """A customer with an order, learning, a ticket with a file, a reply, a rating, a mail."""
    EnrollmentFactory(customer=customer_a, order__customer=customer_a)
    ticket = open_ticket(
        customer_a,
        subject="My phone 13800000000",
        body="I live at 1 Example Road",
        attachments=[SimpleUploadedFile("id-card.png", b"png-bytes", "image/png")],
    )
    ticket_reply(ticket=ticket, author=tier1_agent, body="Hello Customer A, done.")
    ticket_reply(ticket=ticket, author=tier1_agent, body="Internal: VIP", internal=True)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status="resolved")
    csat_record(ticket=ticket, customer=customer_a, rating=5, comment="Thanks, Alice here")
    raw = f"From: {customer_a.email}\r\nSubject: [#{ticket.reference}] more\r\nMessage-ID: <pd1@x>\r\n\r\nmore text"
    mail_ingest(raw=raw.encode())
    return ticket


def test_the_export_holds_profile_orders_learning_tickets_files_and_ratings(history, customer_a, tier1_agent):
    # when
    content = customer_export(customer=customer_a, actor=tier1_agent)
    # then
    archive = zipfile.ZipFile(io.BytesIO(content))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == customer_a.email
    assert len(data["orders"]) == 2
    assert data["learning"]["enrollments"]
    (ticket,) = data["tickets"]
    bodies = [m["body"] for m in ticket["messages"]]
    assert "I live at 1 Example Road" in bodies
    assert "Internal: VIP" not in bodies  # internal notes are the team's, not the customer's
    assert data["ratings"][0]["comment"] == "Thanks, Alice here"
    (attachment,) = [n for n in archive.namelist() if n.startswith("attachments/")]
    assert archive.read(attachment) == b"png-bytes"
    assert AuditEvent.objects.filter(action=DATA_EXPORTED, actor=tier1_agent, subject=customer_a).exists()


def test_erasure_anonymises_everywhere_and_keeps_counts(history, customer_a, admin_user):
    # given: a learner snapshot naming the customer
    ReportSnapshot.objects.create(
        granularity="month",
        start=timezone.now() - timedelta(days=40),
        end=timezone.now() - timedelta(days=10),
        dimension="overall",
        data={"segments": {"at_risk": [{"customer_id": customer_a.pk, "name": customer_a.name}], "at_risk_total": 1}},
    )
    email = customer_a.email
    # when
    counts = customer_erase(customer=customer_a, actor=admin_user)
    # then: the account cannot be recognised or used
    customer = User.objects.get(pk=customer_a.pk)
    assert (customer.name, customer.is_active, customer.has_usable_password()) == ("", False, False)
    assert email not in customer.email
    # texts, files, mail and comments are gone; rows and counts stay
    assert Ticket.objects.get(pk=history.pk).subject == ERASED
    assert set(TicketMessage.objects.filter(ticket=history).values_list("body", flat=True)) == {ERASED}
    assert not Attachment.objects.filter(message__ticket=history).exists()
    assert CSATResponse.objects.get(ticket=history).comment == ""
    assert CSATResponse.objects.get(ticket=history).rating == 5
    assert not MailMessage.objects.filter(sender__iexact=email).exists()
    assert all(bytes(m.raw) == b"" for m in MailMessage.objects.filter(ticket=history))
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.data["segments"]["at_risk"][0]["name"] == ERASED
    assert snapshot.data["segments"]["at_risk_total"] == 1
    assert customer.orders.count() == 2
    event = AuditEvent.objects.get(action=DATA_ERASED)
    assert (event.actor, event.subject_id, event.data["tickets"]) == (admin_user, customer_a.pk, counts["tickets"])
    assert email not in json.dumps(event.data) + event.summary


def test_a_customer_downloads_and_erases_from_the_help_center(history, customer_a, customer_a_client):
    page = customer_a_client.get(reverse("help:my-data"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    download = customer_a_client.get(reverse("help:my-data-export"))
    assert download["Content-Type"] == "application/zip"
    assert "no-store" in download["Cache-Control"]
    assert customer_a_client.post(reverse("help:my-data-erase"), {}).status_code == 400  # not confirmed
    response = customer_a_client.post(reverse("help:my-data-erase"), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.get(pk=customer_a.pk).is_active
    assert customer_a_client.get(reverse("help:ticket-list")).status_code == 302  # signed out


def test_an_agent_exports_on_request_only_an_administrator_erases(history, customer_a, tier1_client, manager_client):
    export = tier1_client.post(reverse("desk:customer-data-export", args=[customer_a.pk]))
    assert export["Content-Type"] == "application/zip"
    assert manager_client.post(reverse("desk:customer-data-erase", args=[customer_a.pk])).status_code == 403
    assert tier1_client.post(reverse("desk:customer-data-erase", args=[customer_a.pk])).status_code == 403
    assert User.objects.get(pk=customer_a.pk).is_active


def test_a_staff_account_is_not_erased_as_a_customer(tier1_agent, admin_client_role):
    response = admin_client_role.post(reverse("desk:customer-data-erase", args=[tier1_agent.pk]))
    assert response.status_code == 404
    assert User.objects.get(pk=tier1_agent.pk).is_active


def test_opening_a_customers_context_is_in_the_access_log(history, customer_a, tier1_agent, tier1_client):
    tier1_client.get(reverse("desk:customer-detail", args=[customer_a.pk]))
    tier1_client.get(reverse("desk:ticket-detail", args=[history.pk]))
    assert AuditEvent.objects.filter(action=CONTEXT_VIEWED, actor=tier1_agent, subject=customer_a).count() == 2


def test_the_audit_log_is_for_administrators(admin_client_role, manager_client, customer_a, tier1_agent):
    customer_export(customer=customer_a, actor=tier1_agent)
    url = reverse("admin:helpdesk_auditevent_changelist")
    assert admin_client_role.get(url).status_code == 200
    assert manager_client.get(url).status_code == 403


def test_role_changes_are_audited(customer_a):
    from accounts.services import user_roles_set

    user_roles_set(user=customer_a, roles=["customer", "agent"])
    assert AuditEvent.objects.filter(action="accounts.roles.changed", subject=customer_a).exists()


def test_retention_anonymises_old_closed_tickets_purges_raw_mail_and_deletes_unused_accounts(
    history, customer_a, settings
):
    settings.HELPDESK_RETENTION_CLOSED_TICKET_MONTHS = 12
    settings.HELPDESK_RETENTION_RAW_MAIL_DAYS = 30
    settings.HELPDESK_RETENTION_UNUSED_ACCOUNT_DAYS = 30
    later = timezone.now() + timedelta(days=400)
    Ticket.objects.filter(pk=history.pk).update(status="closed", closed_at=timezone.now())
    unused = CustomerFactory(email="typed-by-someone@example.org")
    User.objects.filter(pk=unused.pk).update(last_login=None)
    fresh = open_ticket(customer_a)
    # when (twice: idempotent)
    assert mail_raw_purge(now=later) == 1
    assert mail_raw_purge(now=later) == 0
    assert tickets_closed_anonymise(now=later) == 1
    assert tickets_closed_anonymise(now=later) == 0
    assert anonymous_accounts_delete(now=later) == 1
    # then
    assert Ticket.objects.get(pk=history.pk).subject == ERASED
    assert Ticket.objects.get(pk=fresh.pk).subject != ERASED
    assert not MailMessage.objects.exclude(raw=b"").exists()
    assert not User.objects.filter(pk=unused.pk).exists()
    assert User.objects.filter(pk=customer_a.pk).exists()


def test_retention_deletes_old_help_center_searches(db, settings):
    import uuid

    from kb.models import SearchQuery
    from kb.services import search_record

    settings.HELPDESK_RETENTION_SEARCH_DAYS = 180
    now = timezone.now()
    for days in (181, 179):
        at = now - timedelta(days=days)
        search_record(token=uuid.uuid4(), query=f"{days} 天前", results=0, language="zh-hans", created_at=at)
    assert help_center_searches_delete(now=now) == 1
    assert help_center_searches_delete(now=now) == 0
    assert list(SearchQuery.objects.values_list("query", flat=True)) == ["179 天前"]
    settings.HELPDESK_RETENTION_SEARCH_DAYS = 0
    assert help_center_searches_delete(now=now + timedelta(days=999)) == 0


def test_retention_runs_daily_on_beat(settings):
    assert "privacy.tasks.retention_apply_task" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


def test_retention_deletes_audit_access_and_signin_logs_past_their_time(customer_a, tier1_agent, settings):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from privacy.services import logs_purge
    from privacy.tasks import retention_apply_task

    settings.HELPDESK_RETENTION_ACCESS_LOG_DAYS = 180
    settings.HELPDESK_RETENTION_AUDIT_LOG_DAYS = 730
    settings.HELPDESK_RETENTION_LOGIN_ATTEMPT_DAYS = 30
    settings.HELPDESK_RETENTION_SIGNIN_LOG_DAYS = 180
    now = timezone.now()
    seen = {"user_agent": "test", "ip_address": "203.0.113.9", "username": customer_a.email, "http_accept": "*/*"}
    seen["path_info"] = "/accounts/login/"

    def at(days_ago: int) -> dict[str, object]:
        """One of each record, written ``days_ago`` days before now (auto_now_add set afterwards)."""
        when = now - timedelta(days=days_ago)
        seen["user_agent"] = f"browser {days_ago}"  # django-axes keeps one attempt per address and browser
        rows = {
            "access": AuditEvent.objects.create(action=CONTEXT_VIEWED, actor=tier1_agent, subject=customer_a),
            "audit": AuditEvent.objects.create(action=DATA_EXPORTED, actor=tier1_agent, subject=customer_a),
            "attempt": AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1),
            "log": AccessLog.objects.create(**seen),
            "failure": AccessFailureLog.objects.create(**seen),
        }
        AuditEvent.objects.filter(pk__in=[rows["access"].pk, rows["audit"].pk]).update(created_at=when)
        for name in ("attempt", "log", "failure"):
            type(rows[name]).objects.filter(pk=rows[name].pk).update(attempt_time=when)
        return rows

    recent, month, half_year, three_years = at(1), at(31), at(181), at(3 * 365)
    # when
    assert logs_purge(now=now) == {"access_log": 2, "audit_log": 1, "login_attempts": 3, "signin_log": 4}
    assert logs_purge(now=now) == {"access_log": 0, "audit_log": 0, "login_attempts": 0, "signin_log": 0}
    # then: each log keeps what is younger than its own limit
    assert set(AuditEvent.objects.filter(action=CONTEXT_VIEWED).values_list("pk", flat=True)) == {
        recent["access"].pk,
        month["access"].pk,
    }
    assert set(AuditEvent.objects.filter(action=DATA_EXPORTED).values_list("pk", flat=True)) == {
        recent["audit"].pk,
        month["audit"].pk,
        half_year["audit"].pk,
    }
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent["attempt"].pk]
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {recent["log"].pk, month["log"].pk}
    assert set(AccessFailureLog.objects.values_list("pk", flat=True)) == {recent["failure"].pk, month["failure"].pk}
    assert three_years  # all of its rows were among the deleted
    # 0 keeps a log forever; the daily task runs the same purge.
    settings.HELPDESK_RETENTION_SIGNIN_LOG_DAYS = 0
    settings.HELPDESK_RETENTION_ACCESS_LOG_DAYS = 0
    with time_machine.travel(now + timedelta(days=400), tick=False):
        counts = retention_apply_task.delay().get()
    assert counts["audit_log_deleted"] == 0  # the oldest kept audit event is 581 days old then
    assert counts["access_log_deleted"] == 0
    assert counts["signin_log_deleted"] == 0
    assert counts["login_attempts_deleted"] == 1
    assert AccessLog.objects.count() == 2
