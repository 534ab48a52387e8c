"""Who may see and who may act on a ticket. Shared by views, API and selectors.

- Customers see their own tickets only.
- Agents and managers see every ticket (tier-1 agents read tier-2 tickets too).
- Acting on a tier-2 ticket takes a tier-2 agent or a manager; tier-1 tickets any agent.
- Refund decisions take a tier-2 agent or a manager.
"""

from accounts.models import AgentProfile, AgentTier, User
from accounts.roles import ACCESS_DESK, VIEW_REPORTS

from .models import Ticket


def is_desk_user(user: User) -> bool:
    return user.is_authenticated and user.has_perm(ACCESS_DESK)


def is_manager(user: User) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_REPORTS)


def agent_tier(user: User) -> int | None:
    """The agent's tier, or None for people without an agent profile."""
    try:
        return user.agent_profile.tier
    except AgentProfile.DoesNotExist:
        return None


def can_view_ticket(user: User, ticket: Ticket) -> bool:
    if not user.is_authenticated:
        return False
    return is_desk_user(user) or ticket.customer_id == user.pk


def can_act_on_tier(user: User, tier: int) -> bool:
    if not is_desk_user(user):
        return False
    if is_manager(user):
        return True
    own = agent_tier(user)
    return own is not None and own >= tier


def can_act_on_ticket(user: User, ticket: Ticket) -> bool:
    return can_act_on_tier(user, ticket.tier)


def can_decide_refunds(user: User) -> bool:
    return can_act_on_tier(user, AgentTier.TIER_2)
