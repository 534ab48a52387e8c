"""Routing: give a ticket to the available agent of the right tier with the matching skill
and the fewest open tickets; ties go to whoever waited longest since their last assignment.

Live chats (channel ``chat``) go only to agents who are online (``accounts.models.
presence_online_q``: available, a desk page open, input within the idle limit) and below
their concurrent-chat capacity (``AgentProfile.chat_capacity``, counting their open chats);
among those, the fewest open chats first. Other channels keep the rule above whatever the
agent's presence: an e-mail waits minutes for an agent who is back at their desk, well
within its SLA in hours, and the fewest-open rule keeps the load even (docs/configuration.md).
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, AgentTier, Presence, User, presence_online_q
from helpdesk.precompiled import precompiled_list

from ..choices import Channel
from ..models import ACTIVE_STATUSES, AgentLoad, Ticket
from ..permissions import can_act_on_ticket
from .base import event_log, ticket_lock, ticket_save
from .errors import ChatCapacityFull, InvalidTransition, TicketActionDenied, TransferError
from .notifications import notify

# How many of the best chat candidates routing re-checks under a row lock before giving up
# (another routing may have filled the first one's last seat since the ranking was read).
CHAT_RECHECK = 5


def _open_chats() -> Coalesce:
    """Each agent's open chats, counted in a subquery on the (assignee, status) index: a
    join would read every ticket the agents were ever assigned (85,000 rows and ~50 ms at
    100,000 tickets) to keep the few open."""
    tickets = Ticket.objects.filter(assignee_id=OuterRef("user_id"), status__in=ACTIVE_STATUSES, channel=Channel.CHAT)
    counted = (
        tickets.order_by()
        .values("assignee_id")
        .annotate(n=Count("*"))  # not Count("pk"): count(*) is answered from the index alone
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _open_tickets() -> Coalesce:
    """Each agent's open tickets, as the database's triggers keep them (``AgentLoad``)."""
    load = AgentLoad.objects.filter(user_id=OuterRef("user_id")).values("open_tickets")[:1]
    return Coalesce(Subquery(load, output_field=IntegerField()), Value(0))


def _candidates(
    *, tier: int, category_id: int | None, channel: str | None = None, now: datetime | None = None
) -> QuerySet[AgentProfile]:
    """The candidates' query, best first (``routing_candidates``)."""
    tier_filter = Q(tier=tier)
    if tier == AgentTier.TIER_1:
        tier_filter |= Q(tier=AgentTier.TIER_2, takes_tier1=True)
    agents = (
        AgentProfile.objects.filter(tier_filter, is_available=True, user__is_active=True)
        .annotate(open_count=_open_tickets())
        .select_related("user")
    )
    order = ["open_count", F("last_assigned_at").asc(nulls_first=True), "pk"]
    if channel == Channel.CHAT:
        agents = (
            agents.filter(presence_online_q(now=now or timezone.now()))
            .annotate(open_chats=_open_chats())
            .filter(open_chats__lt=F("chat_capacity"))
        )
        order.insert(0, "open_chats")
    if category_id is not None:
        # The skilled agents sort first, in the same statement (no separate "is anyone
        # skilled?" query): the first rows are theirs when there are any.
        skill = AgentProfile.skills.through.objects.filter(agentprofile_id=OuterRef("pk"), category_id=category_id)
        agents = agents.annotate(skilled=Exists(skill))
        order.insert(0, F("skilled").desc())
    return agents.order_by(*order)


def routing_candidates(
    *,
    tier: int,
    category_id: int | None,
    limit: int | None = None,
    channel: str | None = None,
    now: datetime | None = None,
) -> list[AgentProfile]:
    """Available, active agents who work ``tier``, best first (the first ``limit`` only,
    when given: the database sorts, and only those rows become objects).

    Tier 1 also includes tier-2 agents who take tier-1 tickets. Agents with the ticket's
    category as a skill come first; when none of them is available, any agent of the tier
    will do rather than leaving the ticket unassigned. For ``channel="chat"``: only online
    agents below their chat capacity, fewest open chats first (``open_chats`` annotated).
    """
    if channel != Channel.CHAT and limit == 1:
        # Every new ticket asks this: its SQL depends on the tier and category only, so
        # it is compiled once (helpdesk.precompiled).
        ranked = precompiled_list(
            ("routing.first", tier, category_id), lambda: _candidates(tier=tier, category_id=category_id)[:1]
        )
    else:
        agents = _candidates(tier=tier, category_id=category_id, channel=channel, now=now)
        ranked = list(agents[:limit] if limit is not None else agents)
    if category_id is not None and ranked and ranked[0].skilled:
        ranked = [agent for agent in ranked if agent.skilled]
    return ranked


def chat_open_count(*, agent: User, exclude: Ticket | None = None) -> int:
    """How many open live chats ``agent`` is assigned (``exclude`` left out)."""
    chats = Ticket.objects.filter(assignee=agent, channel=Channel.CHAT, status__in=ACTIVE_STATUSES)
    if exclude is not None and exclude.pk is not None:
        chats = chats.exclude(pk=exclude.pk)
    return chats.count()


def _chat_seat_locked(profile: AgentProfile, *, ticket: Ticket | None) -> bool:
    """Lock the agent's profile row and say whether they still have a free chat seat. The
    lock serialises routings and transfers to one agent, so two chats arriving at once do
    not both take the last seat (the lock is held to the end of the caller's transaction)."""
    locked = AgentProfile.objects.select_for_update().filter(pk=profile.pk).values("chat_capacity").first()
    if locked is None:
        return False
    return chat_open_count(agent=profile.user, exclude=ticket) < locked["chat_capacity"]


def routing_choose(
    *, tier: int, category_id: int | None, channel: str | None = None, ticket: Ticket | None = None
) -> User | None:
    """The agent routing would give a ticket of this tier, category and channel, or None.
    For a chat, the chosen agent's seat is checked again under their row lock: call it
    inside the transaction that assigns."""
    if channel != Channel.CHAT:
        candidates = routing_candidates(tier=tier, category_id=category_id, limit=1)
        return candidates[0].user if candidates else None
    for profile in routing_candidates(tier=tier, category_id=category_id, limit=CHAT_RECHECK, channel=channel):
        if _chat_seat_locked(profile, ticket=ticket):
            return profile.user
    return None


def ticket_route(*, ticket: Ticket, reason: str = "") -> User | None:
    """Assign the ticket automatically (a chat: to an online agent with a free chat seat).
    The caller holds the ticket's row lock. With nobody to take it the ticket is left
    unassigned, in the queue; returns the agent or None."""
    chosen = routing_choose(tier=ticket.tier, category_id=ticket.category_id, channel=ticket.channel, ticket=ticket)
    if chosen is None:
        if ticket.assignee_id is not None:
            ticket_assign_locked(ticket=ticket, assignee=None, actor=None, reason=reason)
        return None
    ticket_assign_locked(ticket=ticket, assignee=chosen, actor=None, reason=reason, automatic=True)
    return chosen


@transaction.atomic
def ticket_route_now(*, ticket: Ticket, reason: str = "") -> User | None:
    """``ticket_route`` in its own transaction, with the row lock taken here: what a caller
    outside the services calls (a live chat handed over by the bot to a person). Returns the
    agent, or None when nobody can take it (the ticket stays unassigned, in the queue)."""
    ticket = ticket_lock(ticket=ticket)
    return ticket_route(ticket=ticket, reason=reason)


def ticket_transfer(
    *,
    ticket: Ticket,
    actor: User,
    to_agent: User | None = None,
    to_tier2: bool = False,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Hand a ticket (typically a live chat) to another agent, or to tier 2.

    ``to_agent``: an active agent who works the ticket's tier; for a chat they must be
    online and below their chat capacity (``ChatCapacityFull`` otherwise, which says so).
    ``to_tier2``: the escalation (``ticket_escalate``: a reason is required, routing picks a
    tier-2 agent, with the chat rules for a chat). Atomic; logs the assignment with
    ``data.transfer`` and the reason, and tells the new assignee.
    """
    from .escalation import ticket_escalate  # escalation imports routing

    if (to_agent is None) == (not to_tier2):
        raise TransferError(_("Choose either an agent or tier 2."))
    if to_agent is None:
        return ticket_escalate(ticket=ticket, actor=actor, reason=reason, expected_version=expected_version)
    with transaction.atomic():
        ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
        if not can_act_on_ticket(actor, ticket):
            raise TicketActionDenied(_("You may not act on this ticket."))
        if not ticket.is_active:
            raise InvalidTransition(_("Only open tickets can be transferred."))
        if ticket.assignee_id == to_agent.pk:
            raise TransferError(_("%(agent)s already has this ticket.") % {"agent": to_agent})
        profile = AgentProfile.objects.filter(user=to_agent, user__is_active=True).select_related("user").first()
        if profile is None or not profile.works_tier(ticket.tier):
            raise TransferError(
                _("%(agent)s is not an agent who works tier %(tier)d.") % {"agent": to_agent, "tier": ticket.tier}
            )
        if ticket.channel == Channel.CHAT:
            if profile.presence(now=timezone.now()) != Presence.ONLINE:
                raise TransferError(
                    _("%(agent)s is not online: a live chat goes to an agent who is.") % {"agent": to_agent}
                )
            if not _chat_seat_locked(profile, ticket=ticket):
                raise ChatCapacityFull(agent=to_agent, capacity=profile.chat_capacity)
        ticket_assign_locked(ticket=ticket, assignee=to_agent, actor=actor, reason=reason.strip(), transfer=True)
    return ticket


def ticket_assign_locked(
    *,
    ticket: Ticket,
    assignee: User | None,
    actor: User | None,
    reason: str = "",
    automatic: bool = False,
    transfer: bool = False,
) -> None:
    """Set the assignee of a locked ticket, record it and tell the new assignee."""
    previous = ticket.assignee_id
    if previous == (assignee.pk if assignee else None):
        return
    ticket.assignee = assignee
    ticket_save(ticket, ["assignee"])
    data = {"from": previous, "to": assignee.pk if assignee else None, "automatic": automatic}
    if transfer:
        data["transfer"] = True
    event_log(ticket=ticket, type="tickets.ticket.assigned", actor=actor, reason=reason, **data)
    if assignee is not None:
        AgentProfile.objects.filter(user=assignee).update(last_assigned_at=timezone.now())
        if assignee != actor:
            notify(recipient=assignee, type="tickets.ticket.assigned", ticket=ticket)
