import pytest

from tickets.event_texts import event_texts
from tickets.models import Category
from tickets.services.base import event_log
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_triage_event_names_the_category_and_shows_the_confidence_in_percent(customer_a):
    ticket = open_ticket(customer_a)
    refund = Category.objects.get(slug="refund")
    event_log(ticket=ticket, type="tickets.ticket.triaged", category="refund", confidence=0.873, version=3)
    event_log(ticket=ticket, type="tickets.ticket.triaged", category="retired-slug", confidence=0.5, version=3)
    rows = [text for event, text in event_texts(ticket.events.all()) if event.type == "tickets.ticket.triaged"]
    assert f"“{refund.name}” (confidence 87%)" in rows[0]
    assert "“retired-slug” (confidence 50%)" in rows[1]


def test_event_names_are_read_in_one_query_whatever_the_number_of_events(
    customer_a, tier1_agent, django_assert_num_queries
):
    ticket = open_ticket(customer_a)
    for _ in range(5):
        event_log(ticket=ticket, type="tickets.ticket.triaged", category="refund", confidence=0.9, version=1)
        event_log(ticket=ticket, type="tickets.ticket.assigned", **{"from": None, "to": tier1_agent.pk})
    events = list(ticket.events.all())
    with django_assert_num_queries(2):  # assignees, then categories by id or slug
        event_texts(events)
