"""Fixtures shared by the help-center ticket tests: one ticket of customer A's, one of B's."""

import pytest

from tickets.models import Ticket
from tickets.tests.factories import open_ticket


@pytest.fixture
def ticket_a(customer_a) -> Ticket:
    return open_ticket(customer_a, subject="Video does not play", body="Lesson 3 keeps loading.")


@pytest.fixture
def ticket_b(customer_b) -> Ticket:
    return open_ticket(customer_b, subject="Invoice for order B", body="Please send my invoice.")
