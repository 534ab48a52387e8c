"""Mail with a staff sender is filed as the agent's reply only with proof of origin: our
receiving server's Authentication-Results, or the reply token of a mail we sent to that
agent on that ticket. Anything else is held for a manager to review."""

import pytest
from django.urls import reverse

from tickets.email.ingest import Outcome, mail_ingest
from tickets.email.outbound import notification_email_send
from tickets.models import MailMessage, MailStatus, Notification
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db
OUR_SERVER = "mx.help.example.com"


@pytest.fixture(autouse=True)
def _our_server(settings):
    settings.HELPDESK_EMAIL_AUTHSERV_IDS = [OUR_SERVER]


def _agent_mail(ticket, *, headers: str = "", body: str = "Approved, please send your card number.") -> bytes:
    return (
        f"{headers}From: tier1@example.com\r\nTo: support@help.example.com\r\n"
        f"Subject: Re: [#{ticket.reference}] {ticket.subject}\r\nMessage-ID: <{hash(headers)}.{ticket.pk}@x>\r\n"
        f"\r\n{body}\r\n"
    ).encode()


def test_a_forged_agent_mail_is_held_not_posted(customer_a, tier1_agent):
    # given
    ticket = open_ticket(customer_a)
    # when: From an agent's address, with the ticket's reference
    result = mail_ingest(raw=_agent_mail(ticket))
    # then
    assert result.outcome == Outcome.HELD
    assert ticket.messages.count() == 1
    assert result.mail.status == MailStatus.HELD


@pytest.mark.parametrize(
    ("header", "outcome"),
    [
        (f"{OUR_SERVER}; dmarc=pass header.from=example.com", Outcome.APPENDED),
        (f"{OUR_SERVER}; dkim=pass (good signature) header.d=example.com", Outcome.APPENDED),
        (f"{OUR_SERVER}; spf=pass smtp.mailfrom=tier1@example.com", Outcome.APPENDED),
        (f"{OUR_SERVER}; dkim=pass header.d=attacker.example", Outcome.HELD),
        (f"{OUR_SERVER}; dmarc=fail header.from=example.com", Outcome.HELD),
        ("mx.attacker.example; dmarc=pass header.from=example.com", Outcome.HELD),
    ],
)
def test_authentication_results_count_only_from_our_server_and_for_the_from_domain(
    customer_a, tier1_agent, header, outcome
):
    ticket = open_ticket(customer_a)
    result = mail_ingest(raw=_agent_mail(ticket, headers=f"Authentication-Results: {header}\r\n"))
    assert result.outcome == outcome


def test_a_reply_to_the_mail_sent_to_that_agent_is_posted(customer_a, tier1_agent):
    # given: the agent was mailed about the ticket
    ticket = open_ticket(customer_a)
    notification = Notification.objects.create(recipient=tier1_agent, type="tickets.ticket.assigned", ticket=ticket)
    sent = notification_email_send(notification_id=notification.pk)
    # when: the agent's reply quotes it
    result = mail_ingest(raw=_agent_mail(ticket, headers=f"In-Reply-To: <{sent.message_id}>\r\n", body="Done."))
    # then
    assert result.outcome == Outcome.APPENDED
    assert ticket.messages.last().author == tier1_agent


def test_quoting_a_mail_sent_to_someone_else_proves_nothing(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    to_customer = MailMessage.objects.create(
        direction="out", status="sent", message_id="k1.n1@help.example.com", ticket=ticket, recipients=customer_a.email
    )
    result = mail_ingest(raw=_agent_mail(ticket, headers=f"In-Reply-To: <{to_customer.message_id}>\r\n"))
    assert result.outcome == Outcome.HELD


def test_a_manager_releases_a_held_mail_after_checking_with_the_agent(customer_a, tier1_agent, manager_client):
    ticket = open_ticket(customer_a)
    held = mail_ingest(raw=_agent_mail(ticket, body="Yes, this was me.")).mail
    changelist = reverse("admin:tickets_mailmessage_changelist")
    response = manager_client.post(changelist, {"action": "release", "_selected_action": [held.pk]})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == MailStatus.APPENDED
    assert ticket.messages.last().body.startswith("Yes, this was me.")
    assert ticket.messages.last().author == tier1_agent
