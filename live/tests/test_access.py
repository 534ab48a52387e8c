"""Which subscription receives which event (in memory), and the readers' re-check that the
hub runs for every open stream at each heartbeat (in a few queries)."""

import pytest

from helpdesk.models import EventVisibility
from live.access import LiveEvent, Reader, Subscription, subscriptions_recheck

AGENT = Reader(user_id=9, is_desk=True)
OTHER_AGENT = Reader(user_id=8, is_desk=True)
CUSTOMER = Reader(user_id=1, is_desk=False)


def _assigned(to: int | None, ticket: int = 5) -> LiveEvent:
    return LiveEvent(
        id=1,
        type="tickets.ticket.assigned",
        visibility=EventVisibility.STAFF,
        ticket_id=ticket,
        customer_id=1,
        actor_id=8,
        payload={"from": None, "to": to, "automatic": False, "reference": "T-5"},
    )


@pytest.mark.parametrize(
    ("subscription", "event", "wanted"),
    [
        # the assignee's ticket page on another ticket, and their own stream: the notice
        (Subscription(reader=AGENT, ticket_id=77, desk=False), _assigned(to=9), True),
        (Subscription(reader=AGENT, ticket_id=None, desk=False), _assigned(to=9), True),
        (Subscription(reader=AGENT, ticket_id=None, desk=True), _assigned(to=9), True),
        # another agent's ticket page and own stream: not theirs
        (Subscription(reader=OTHER_AGENT, ticket_id=77, desk=False), _assigned(to=9), False),
        (Subscription(reader=OTHER_AGENT, ticket_id=None, desk=False), _assigned(to=9), False),
        # the desk scope has every staff event (the page itself picks its own notices)
        (Subscription(reader=OTHER_AGENT, ticket_id=None, desk=True), _assigned(to=9), True),
        # the ticket's own page has it whoever it names
        (Subscription(reader=OTHER_AGENT, ticket_id=5, desk=False), _assigned(to=9), True),
        # a customer never, even one whose id an assignment happens to name
        (Subscription(reader=CUSTOMER, ticket_id=None, desk=False), _assigned(to=1), False),
        (Subscription(reader=CUSTOMER, ticket_id=5, desk=False), _assigned(to=1), False),
        # an unassignment names nobody
        (Subscription(reader=AGENT, ticket_id=None, desk=False), _assigned(to=None), False),
    ],
)
def test_a_new_assignment_reaches_the_assignee_on_every_desk_stream_and_nobody_else(subscription, event, wanted):
    assert subscription.wants(event) is wanted


@pytest.mark.django_db
def test_the_recheck_drops_readers_who_lost_access_in_constant_queries(
    django_assert_num_queries, tier1_agent, customer_a, customer_b
):
    from tickets.tests.factories import open_ticket

    ticket = open_ticket(customer_a)
    agent, customer = Reader(user_id=tier1_agent.pk, is_desk=True), Reader(user_id=customer_a.pk, is_desk=False)
    desk = Subscription(reader=agent, ticket_id=None, desk=True)
    own_ticket = Subscription(reader=customer, ticket_id=ticket.pk, desk=False)
    # given a customer who was (wrongly) let onto a ticket that is not theirs, and a
    # desk stream of an agent who has since been deactivated
    foreign = Subscription(reader=Reader(user_id=customer_b.pk, is_desk=False), ticket_id=ticket.pk, desk=False)
    many = [Subscription(reader=agent, ticket_id=ticket.pk, desk=False), own_ticket, foreign]
    # then one re-check answers for them all: the right ones kept, the foreign one dropped
    verdicts = subscriptions_recheck([desk, *many])
    assert verdicts[desk] == desk
    assert verdicts[own_ticket] == own_ticket
    assert verdicts[foreign] is None
    tier1_agent.is_active = False
    tier1_agent.save()
    assert subscriptions_recheck([desk])[desk] is None
    # and the number of queries does not grow with the number of streams of the same readers
    with django_assert_num_queries(2):
        subscriptions_recheck([own_ticket])
    with django_assert_num_queries(2):
        subscriptions_recheck([own_ticket, *[Subscription(reader=customer, ticket_id=None, desk=False)] * 50])
