from datetime import timedelta
from importlib import import_module

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.models import AgentProfile, AgentTier
from accounts.services import agent_availability_set
from accounts.tests.factories import agent
from tickets.models import ACTIVE_STATUSES, AgentLoad, Status, Ticket
from tickets.services import TicketActionDenied, routing_candidates, ticket_fields_update, ticket_status_set
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db

agent_load_migration = import_module("tickets.migrations.0024_agent_load")


def _skill(user, slug):
    user.agent_profile.skills.add(category(slug))


def test_new_ticket_goes_to_the_agent_with_the_matching_skill():
    generalist = agent("generalist@example.com")
    payments = agent("payments@example.com")
    _skill(payments, "payment")
    assert open_ticket(category=category("payment")).assignee == payments
    assert open_ticket(category=category("course-access")).assignee == generalist


def test_fewest_open_tickets_wins():
    busy, idle = agent("busy@example.com"), agent("idle@example.com")
    AgentProfile.objects.filter(user=idle).update(last_assigned_at=timezone.now())
    first = open_ticket()
    assert first.assignee == busy  # never assigned before: waited longest
    assert open_ticket().assignee == idle  # now busy has one open ticket


def test_only_open_tickets_count_towards_an_agents_load():
    veteran, newcomer = agent("veteran@example.com"), agent("newcomer@example.com")
    history = [open_ticket() for _ in range(4)]
    Ticket.objects.filter(pk__in=[t.pk for t in history[:3]]).update(status=Status.CLOSED, assignee=veteran)
    Ticket.objects.filter(pk=history[3].pk).update(status=Status.OPEN, assignee=newcomer)
    now = timezone.now()
    AgentProfile.objects.filter(user=veteran).update(last_assigned_at=now)
    AgentProfile.objects.filter(user=newcomer).update(last_assigned_at=now - timedelta(hours=3))
    candidates = routing_candidates(tier=AgentTier.TIER_1, category_id=None)
    assert [(c.user, c.open_count) for c in candidates] == [(veteran, 0), (newcomer, 1)]


def test_ties_go_to_whoever_waited_longest():
    recent, waited = agent("recent@example.com"), agent("waited@example.com")
    now = timezone.now()
    AgentProfile.objects.filter(user=recent).update(last_assigned_at=now - timedelta(minutes=1))
    AgentProfile.objects.filter(user=waited).update(last_assigned_at=now - timedelta(hours=3))
    assert open_ticket().assignee == waited


def test_unavailable_agents_are_skipped():
    away, present = agent("away@example.com"), agent("present@example.com")
    agent_availability_set(agent=away.agent_profile, available=False)
    AgentProfile.objects.filter(user=present).update(last_assigned_at=timezone.now())
    assert open_ticket().assignee == present


def test_no_available_agent_leaves_the_ticket_in_the_queue():
    away = agent("away@example.com")
    agent_availability_set(agent=away.agent_profile, available=False)
    assert open_ticket().assignee is None


def test_tier1_tickets_never_go_to_plain_tier2_agents():
    agent("senior@example.com", tier=AgentTier.TIER_2)
    assert open_ticket().assignee is None


def test_tier2_agents_who_take_tier1_get_tier1_tickets():
    owner = agent("owner@example.com", tier=AgentTier.TIER_2)
    AgentProfile.objects.filter(user=owner).update(takes_tier1=True)
    assert open_ticket().assignee == owner


def test_tier2_tickets_only_go_to_tier2():
    agent("junior@example.com", tier=AgentTier.TIER_1)
    senior = agent("senior@example.com", tier=AgentTier.TIER_2)
    assert [p.user for p in routing_candidates(tier=AgentTier.TIER_2, category_id=None)] == [senior]


def test_manual_assignment_checks_the_assignee_tier(tier1_agent, tier2_agent):
    ticket = open_ticket(category=category("complaint"))  # tier 2
    with pytest.raises(TicketActionDenied):
        ticket_fields_update(ticket=ticket, actor=tier2_agent, assignee=tier1_agent)
    ticket = ticket_fields_update(ticket=ticket, actor=tier2_agent, unassign=True)
    assert ticket.assignee is None


def test_skilled_agents_first_in_one_query(django_assert_num_queries):
    generalist = agent("generalist@example.com")
    payments, refunds = agent("payments@example.com"), agent("refunds@example.com")
    _skill(payments, "payment")
    _skill(refunds, "payment")
    AgentProfile.objects.filter(user=payments).update(last_assigned_at=timezone.now())
    skill = category("payment")
    with django_assert_num_queries(1):
        chosen = routing_candidates(tier=AgentTier.TIER_1, category_id=skill.pk, limit=1)
    assert [p.user for p in chosen] == [refunds]
    assert [p.user for p in routing_candidates(tier=AgentTier.TIER_1, category_id=skill.pk)] == [refunds, payments]
    nobody = category("course-access")
    everyone = routing_candidates(tier=AgentTier.TIER_1, category_id=nobody.pk)
    assert [p.user for p in everyone] == [generalist, refunds, payments]


def _loads_counted_afresh() -> dict[int, int]:
    counted = Ticket.objects.filter(assignee__isnull=False, status__in=ACTIVE_STATUSES).values_list("assignee_id")
    return {user_id: n for user_id, n in counted.order_by().annotate(n=Count("*")).values_list("assignee_id", "n") if n}


def _loads_kept() -> dict[int, int]:
    return {row.user_id: row.open_tickets for row in AgentLoad.objects.all() if row.open_tickets}


def test_the_database_keeps_each_agents_open_tickets_through_every_kind_of_change(customer_a):
    # the statuses the triggers of migration 0024 count are the active ones
    assert "(" + ", ".join(f"'{s}'" for s in ACTIVE_STATUSES) + ")" == agent_load_migration.ACTIVE
    first, second = agent("first@example.com"), agent("second@example.com")
    tickets = [open_ticket(customer_a) for _ in range(5)]  # routed: inserted with their assignee
    assert _loads_kept() == _loads_counted_afresh() != {}
    ticket_status_set(ticket=tickets[0], actor=first, status=Status.RESOLVED, resolution="done")  # leaves the count
    ticket_status_set(ticket=tickets[1], actor=first, status=Status.OPEN)  # active to active: unchanged
    Ticket.objects.filter(pk=tickets[2].pk).update(assignee=second)  # reassigned by a bulk update
    Ticket.objects.filter(pk=tickets[3].pk).update(assignee=None, status=Status.CLOSED)
    Ticket.objects.filter(pk=tickets[0].pk).update(status=Status.OPEN)  # reopened
    tickets[4].delete()
    Ticket.objects.create(customer=customer_a, subject="Logged", assignee=first, status=Status.CLOSED)
    Ticket.objects.create(customer=customer_a, subject="Logged", assignee=second, status=Status.PENDING)
    assert _loads_kept() == _loads_counted_afresh()
    candidates = routing_candidates(tier=AgentTier.TIER_1, category_id=None)
    assert {c.user_id: c.open_count for c in candidates} == {
        first.pk: _loads_counted_afresh().get(first.pk, 0),
        second.pk: _loads_counted_afresh().get(second.pk, 0),
    }
