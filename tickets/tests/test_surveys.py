from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import CustomerFactory, OrderFactory
from tickets.models import Notification, NPSResponse, Status
from tickets.services import (
    SurveyError,
    TicketActionDenied,
    csat_record,
    nps_offer_due,
    nps_record,
    ticket_status_set,
)
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_csat_only_once_a_ticket_is_resolved_and_only_once(customer_a, tier1_agent):
    ticket = open_ticket(customer_a)
    with pytest.raises(SurveyError):
        csat_record(ticket=ticket, customer=customer_a, rating=5)
    ticket_status_set(ticket=ticket, actor=tier1_agent, status=Status.RESOLVED)
    response = csat_record(ticket=ticket, customer=customer_a, rating=4, comment="回复很快")
    assert response.is_satisfied
    with pytest.raises(SurveyError, match="already"):
        csat_record(ticket=ticket, customer=customer_a, rating=1)


@pytest.mark.parametrize("rating", [0, 6])
def test_csat_rating_is_1_to_5(customer_a, tier1_agent, rating):
    ticket = ticket_status_set(ticket=open_ticket(customer_a), actor=tier1_agent, status=Status.RESOLVED)
    with pytest.raises(SurveyError):
        csat_record(ticket=ticket, customer=customer_a, rating=rating)


def test_csat_3_is_not_satisfied(customer_a, tier1_agent):
    ticket = ticket_status_set(ticket=open_ticket(customer_a), actor=tier1_agent, status=Status.RESOLVED)
    assert not csat_record(ticket=ticket, customer=customer_a, rating=3).is_satisfied


def test_only_the_ticket_owner_rates(customer_a, customer_b, tier1_agent):
    ticket = ticket_status_set(ticket=open_ticket(customer_a), actor=tier1_agent, status=Status.RESOLVED)
    with pytest.raises(TicketActionDenied):
        csat_record(ticket=ticket, customer=customer_b, rating=5)


def test_nps_is_offered_at_most_once_per_quarter(customer_a, settings):
    settings.HELPDESK_NPS_INTERVAL_DAYS = 91
    now = timezone.now()
    assert nps_offer_due(now=now) >= 1  # customer_a bought 10 days ago
    assert nps_offer_due(now=now + timedelta(days=30)) == 0
    assert NPSResponse.objects.filter(customer=customer_a).count() == 1
    OrderFactory(customer=customer_a, paid_at=now + timedelta(days=95))
    assert nps_offer_due(now=now + timedelta(days=100)) == 1
    assert Notification.objects.filter(recipient=customer_a, type="tickets.nps.offered").count() == 2


def test_inactive_customers_are_not_surveyed():
    CustomerFactory()  # never bought, never asked
    assert nps_offer_due() == 0


def test_nps_answer_is_0_to_10_once_and_own(customer_a, customer_b):
    nps_offer_due()
    response = NPSResponse.objects.get(customer=customer_a)
    with pytest.raises(TicketActionDenied):
        nps_record(response=response, customer=customer_b, score=9)
    with pytest.raises(SurveyError):
        nps_record(response=response, customer=customer_a, score=11)
    nps_record(response=response, customer=customer_a, score=9, comment="课程很好")
    with pytest.raises(SurveyError, match="already"):
        nps_record(response=response, customer=customer_a, score=10)
