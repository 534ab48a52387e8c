"""Routing: give a ticket to the available agent of the right tier with the matching skill
and the fewest open tickets; ties go to whoever waited longest since their last assignment."""

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AgentProfile, AgentTier, User

from ..models import ACTIVE_STATUSES, Ticket
from .base import event_log, ticket_save
from .notifications import notify


def routing_candidates(*, tier: int, category_id: int | None, limit: int | None = None) -> list[AgentProfile]:
    """Available, active agents who work ``tier``, best first (the first ``limit`` only,
    when given: the database sorts, and only those rows become objects).

    Tier 1 also includes tier-2 agents who take tier-1 tickets. Agents with the ticket's
    category as a skill come first; when none of them is available, any agent of the tier
    will do rather than leaving the ticket unassigned.
    """
    tier_filter = Q(tier=tier)
    if tier == AgentTier.TIER_1:
        tier_filter |= Q(tier=AgentTier.TIER_2, takes_tier1=True)
    # Each agent's open tickets, counted in a subquery on the (assignee, status) index: a
    # join would read every ticket the agents were ever assigned (85,000 rows and ~50 ms
    # at 100,000 tickets, for every new ticket) to keep the few hundred open ones.
    open_tickets = (
        Ticket.objects.filter(assignee_id=OuterRef("user_id"), status__in=ACTIVE_STATUSES)
        .order_by()
        .values("assignee_id")
        .annotate(n=Count("*"))  # not Count("pk"): count(*) is answered from the index alone
        .values("n")
    )
    agents = (
        AgentProfile.objects.filter(tier_filter, is_available=True, user__is_active=True)
        .annotate(open_count=Coalesce(Subquery(open_tickets, output_field=IntegerField()), Value(0)))
        .select_related("user")
    )
    order = ["open_count", F("last_assigned_at").asc(nulls_first=True), "pk"]
    if category_id is not None:
        # The skilled agents sort first, in the same statement (no separate "is anyone
        # skilled?" query): the first rows are theirs when there are any.
        skill = AgentProfile.skills.through.objects.filter(agentprofile_id=OuterRef("pk"), category_id=category_id)
        agents = agents.annotate(skilled=Exists(skill))
        order.insert(0, F("skilled").desc())
    agents = agents.order_by(*order)
    ranked = list(agents[:limit] if limit is not None else agents)
    if category_id is not None and ranked and ranked[0].skilled:
        ranked = [agent for agent in ranked if agent.skilled]
    return ranked


def routing_choose(*, tier: int, category_id: int | None) -> User | None:
    """The agent routing would give a ticket of this tier and category, or None."""
    candidates = routing_candidates(tier=tier, category_id=category_id, limit=1)
    return candidates[0].user if candidates else None


def ticket_route(*, ticket: Ticket, reason: str = "") -> User | None:
    """Assign the ticket automatically. The caller holds the ticket's row lock."""
    candidates = routing_candidates(tier=ticket.tier, category_id=ticket.category_id, limit=1)
    if not candidates:
        if ticket.assignee_id is not None:
            ticket_assign_locked(ticket=ticket, assignee=None, actor=None, reason=reason)
        return None
    chosen = candidates[0]
    ticket_assign_locked(ticket=ticket, assignee=chosen.user, actor=None, reason=reason, automatic=True)
    return chosen.user


def ticket_assign_locked(
    *, ticket: Ticket, assignee: User | None, actor: User | None, reason: str = "", automatic: bool = False
) -> None:
    """Set the assignee of a locked ticket, record it and tell the new assignee."""
    previous = ticket.assignee_id
    if previous == (assignee.pk if assignee else None):
        return
    ticket.assignee = assignee
    ticket_save(ticket, ["assignee"])
    event_log(
        ticket=ticket,
        type="tickets.ticket.assigned",
        actor=actor,
        reason=reason,
        **{"from": previous, "to": assignee.pk if assignee else None, "automatic": automatic},
    )
    if assignee is not None:
        AgentProfile.objects.filter(user=assignee).update(last_assigned_at=timezone.now())
        if assignee != actor:
            notify(recipient=assignee, type="tickets.ticket.assigned", ticket=ticket)
