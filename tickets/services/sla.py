"""SLA clocks: due times from the priority's policy, the pause while ``pending``, and the
periodic breach check (with the escalation and notification it triggers)."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AgentTier
from helpdesk.precompiled import precompiled_list

from ..models import ACTIVE_STATUSES, BusinessHours, SLAPolicy, Status, Ticket
from ..sla_clock import BusinessCalendar, add_business_minutes, business_minutes_between, china_calendar_days
from .base import event_log, ticket_lock, ticket_save
from .notifications import managers, notify_many

# Breach checks lock and update tickets one at a time in batches of this size; a batch is
# a handful of milliseconds, so a breach storm never holds locks for long.
BREACH_BATCH = 200


def calendar_for(hours: BusinessHours | None) -> BusinessCalendar | None:
    """The calendar of a policy's business hours (with mainland China's public calendar
    when it follows it); None runs the clock around the clock."""
    if hours is None:
        return None
    days_off, working = frozenset(), frozenset()
    if hours.follows_china_calendar:
        days_off, working, _years = china_calendar_days()
    return BusinessCalendar.from_json(
        timezone=hours.timezone,
        weekly=hours.weekly,
        holidays=hours.holidays,
        workdays=hours.working_days,
        extra_holidays=days_off,
        extra_workdays=working,
    )


def policy_for(priority: str) -> SLAPolicy | None:
    # Every new ticket asks: compiled once per priority (helpdesk.precompiled).
    policies = precompiled_list(
        ("sla.policy", priority),
        lambda: SLAPolicy.objects.select_related("business_hours").filter(priority=priority).order_by("pk")[:1],
    )
    return policies[0] if policies else None


def sla_due_set(ticket: Ticket) -> list[str]:
    """Compute the due times from created_at, the policy (its chat targets in seconds for a
    ``chat`` ticket) and the time paused. Returns the changed fields (the caller saves them).
    A caller that changes a ticket's channel or priority calls it again."""
    policy = policy_for(ticket.priority)
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
    else:
        calendar = calendar_for(policy.business_hours)
        paused = ticket.sla_paused_minutes
        first, resolution = policy.targets_minutes(ticket.channel)  # a chat's are seconds
        ticket.first_response_due_at = add_business_minutes(ticket.created_at, first + paused, calendar)
        ticket.resolution_due_at = add_business_minutes(ticket.created_at, resolution + paused, calendar)
    return ["first_response_due_at", "resolution_due_at"]


def sla_pause(ticket: Ticket, *, at: datetime) -> list[str]:
    """Entering ``pending``: stop the clock. Returns the changed fields."""
    if ticket.sla_paused_at is not None:
        return []
    ticket.sla_paused_at = at
    event_log(ticket=ticket, type="tickets.ticket.sla_paused")
    return ["sla_paused_at"]


def sla_resume(ticket: Ticket, *, at: datetime) -> list[str]:
    """Leaving ``pending``: add the paused business time to the targets."""
    if ticket.sla_paused_at is None:
        return []
    policy = policy_for(ticket.priority)
    calendar = calendar_for(policy.business_hours) if policy else None
    minutes = business_minutes_between(ticket.sla_paused_at, at, calendar)
    ticket.sla_paused_minutes += minutes
    ticket.sla_paused_at = None
    event_log(ticket=ticket, type="tickets.ticket.sla_resumed", paused_minutes=round(minutes, 2))
    return ["sla_paused_at", "sla_paused_minutes", *sla_due_set(ticket)]


def sla_breaches_mark(*, now: datetime | None = None) -> dict[str, int]:
    """Mark first-response and resolution breaches that are due and not yet marked.

    Idempotent: a breach is marked once (``*_breached_at``), so running it again changes
    nothing more. Paused tickets (``pending``) are skipped: their clock is stopped. A tier-1
    first-response breach escalates to tier 2; a breach on a tier-2 ticket tells the managers.
    """
    from .escalation import EscalationRule, ticket_escalate_automatic

    now = now or timezone.now()
    counts = {"first_response": 0, "resolution": 0, "escalated": 0}
    running = Q(status__in=ACTIVE_STATUSES) & ~Q(status=Status.PENDING) & Q(merged_into__isnull=True)
    first_response = Ticket.objects.filter(
        running,
        first_response_due_at__lte=now,
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
    )
    resolution = Ticket.objects.filter(running, resolution_due_at__lte=now, resolution_breached_at__isnull=True)
    for kind, queryset, field in (
        ("first_response", first_response, "first_response_breached_at"),
        ("resolution", resolution, "resolution_breached_at"),
    ):
        ids = list(queryset.values_list("pk", flat=True)[:BREACH_BATCH])
        while ids:
            for pk in ids:
                with transaction.atomic():
                    ticket = ticket_lock(ticket=pk)
                    if getattr(ticket, field) is not None:
                        continue
                    setattr(ticket, field, now)
                    ticket_save(ticket, [field])
                    event_log(ticket=ticket, type=f"tickets.ticket.{kind}_breached")
                    counts[kind] += 1
                    if ticket.tier == AgentTier.TIER_2:
                        notify_many(recipients=managers(), type=f"tickets.ticket.{kind}_breached", ticket=ticket)
                    elif kind == "first_response":
                        ticket_escalate_automatic(ticket=ticket, rule=EscalationRule.FIRST_RESPONSE_BREACH)
                        counts["escalated"] += 1
            ids = list(queryset.values_list("pk", flat=True)[:BREACH_BATCH])
    return counts
