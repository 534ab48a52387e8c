"""Staffing: how many agents each hour of this week needs to meet a service level, beside
how many are available.

- Arrivals: tickets created per hour of the week over the last ``HISTORY_WEEKS`` weeks,
  counted in the database; a ridge regression (scikit-learn) on the hour of the week and
  the week's trend forecasts next week. Its error is measured on the last
  ``HELD_BACK_WEEKS`` weeks, forecast from the weeks before them.
- Handling time: agents' public replies per ticket resolved in the history, times the
  minutes one reply takes (``HELPDESK_STAFFING_MINUTES_PER_REPLY``).
- Erlang C: the probability that a ticket waits, and the share answered within the target,
  for n agents; the agents needed are the fewest that meet the target share. Every channel
  but live chat.
- Live chat: Erlang A (``erlang_a``: arrivals that leave when they wait too long), from the
  chats' own arrivals, their conversation time and the learners' patience estimated from
  abandoned chats (``chat_patience``, docs/metrics.md). Erlang A counts chat *seats*; an
  agent holds ``AgentProfile.chat_capacity`` chats at once, so the agents needed for chat
  are the seats divided by the agents' mean capacity, rounded up.
- Available: ``agents_available`` (the agents marked available, in the hours the business
  calendar is open: a plan for the week, not who is online this minute).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractHour, TruncDate
from django.utils import timezone

from accounts.models import AgentProfile
from tickets.choices import Channel
from tickets.models import BusinessHours, MessageKind, SLAPolicy, Ticket, TicketMessage
from tickets.services.sla import calendar_for

from .metrics.db import SecondsBetween

HISTORY_WEEKS = 8
HELD_BACK_WEEKS = 2
HOURS_A_WEEK = 7 * 24
MAX_AGENTS = 500
# Erlang A: the longest queue whose states are computed (one matrix of this size).
MAX_QUEUE_STATES = 3000
# Light regularisation: each hour of the week has one observation per week of history.
RIDGE_ALPHA = 0.05


def erlang_c(agents: int, traffic: float) -> float:
    """The probability that an arrival waits (Erlang C) with ``agents`` servers and
    ``traffic`` Erlangs (arrival rate × handling time). 1 when the agents cannot keep up."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, *, arrivals_per_hour: float, handle_seconds: float, target_seconds: float) -> float:
    """The share of arrivals answered within ``target_seconds`` (Erlang C)."""
    traffic = arrivals_per_hour * handle_seconds / 3600.0
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    waits = erlang_c(agents, traffic)
    return 1.0 - waits * math.exp(-(agents - traffic) * target_seconds / handle_seconds)


def erlang_a(
    agents: int, *, arrivals_per_hour: float, handle_seconds: float, patience_seconds: float, target_seconds: float
) -> dict[str, float]:
    """Erlang A (the M/M/n+M queue): arrivals that wait leave after an exponential patience
    of mean ``patience_seconds`` (live chat, issue 14). Exact, from the stationary
    distribution of the birth–death chain (death rate min(k, n)·μ + max(k − n, 0)·θ in
    state k), truncated where its tail is negligible. Returns the probability of waiting,
    of abandoning (θ · mean queue / λ) and the service level: the share of all arrivals
    answered within ``target_seconds`` (an arrival finding j waiting ahead is answered once
    j + 1 of the events "an agent frees up" (rate n·μ) and "one ahead leaves" happen
    before its own patience runs out: one matrix exponential gives it for every j)."""
    import numpy as np
    from scipy.sparse import csr_array
    from scipy.sparse.linalg import expm_multiply

    rate, service, patience = arrivals_per_hour / 3600.0, 1.0 / handle_seconds, 1.0 / patience_seconds
    if rate <= 0:
        return {"waits": 0.0, "abandons": 0.0, "service_level": 1.0}
    log_p, state, top = [0.0], 0, 0.0
    while True:
        state += 1
        ratio = rate / (min(state, agents) * service + max(state - agents, 0) * patience)
        log_p.append(log_p[-1] + math.log(ratio))
        top = max(top, log_p[-1])  # the running maximum: max(log_p) each step was quadratic
        if state > agents and ratio < 1 and log_p[-1] - top < math.log(1e-15):
            break
        if state > agents + MAX_QUEUE_STATES:
            raise ValueError("Erlang A: patience too long for this load (the queue has no practical bound).")
    weights = [math.exp(value - top) for value in log_p]
    total = sum(weights)
    p = [weight / total for weight in weights]
    queued = p[agents:]  # arrivals that find every agent busy, by how many wait ahead
    waits = sum(queued)
    abandons = patience * sum(ahead * share for ahead, share in enumerate(queued)) / rate
    # The tagged arrival's generator: states "j ahead" (0 … len − 1), then answered, left.
    size = len(queued)
    # It is sparse (three rates a row): only its action on "answered" is needed, P(answered
    # by t | j ahead) = (e^(G·t) · 1_answered)_j, which expm_multiply computes without the
    # dense exponential (27 ms for 200 states; the staffing page needs hundreds of them).
    rows, columns, values = [], [], []
    for ahead in range(size):
        moves = agents * service + ahead * patience
        for column, value in (
            (ahead - 1 if ahead else size, moves),
            (size + 1, patience),
            (ahead, -(moves + patience)),
        ):
            rows.append(ahead)
            columns.append(column)
            values.append(value * target_seconds)
    generator = csr_array((values, (rows, columns)), shape=(size + 2, size + 2))
    answered_state = np.zeros(size + 2)
    answered_state[size] = 1.0
    answered = expm_multiply(generator, answered_state) if target_seconds > 0 else answered_state
    within = sum(share * float(answered[ahead]) for ahead, share in enumerate(queued))
    return {"waits": waits, "abandons": abandons, "service_level": 1.0 - waits + within}


def agents_needed(
    *,
    arrivals_per_hour: float,
    handle_seconds: float,
    target_seconds: float,
    target_share: float,
    patience_seconds: float | None = None,
) -> int:
    """The fewest agents whose service level reaches ``target_share`` (0–1): Erlang C, or
    Erlang A when arrivals leave after ``patience_seconds`` on average (live chat)."""
    if arrivals_per_hour <= 0:
        return 0
    if patience_seconds:
        # Erlang A is stable at any load and its service level grows with the agents: the
        # fewest that reach the target, by bisection (each evaluation is a matrix exponential).
        def level(agents: int) -> float:
            return erlang_a(
                agents,
                arrivals_per_hour=arrivals_per_hour,
                handle_seconds=handle_seconds,
                patience_seconds=patience_seconds,
                target_seconds=target_seconds,
            )["service_level"]

        # Gallop up from one agent (the answer is usually a handful: each evaluation costs
        # in proportion to the agents), then bisect between the last miss and the first hit.
        low, high = 0, 1  # level(low) < target (no agent answers anyone)
        while high < MAX_AGENTS and level(high) < target_share:
            low, high = high, min(2 * high, MAX_AGENTS)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if level(middle) >= target_share else (middle, high)
        return high
    traffic = arrivals_per_hour * handle_seconds / 3600.0
    agents = max(1, math.floor(traffic) + 1)
    while agents < MAX_AGENTS:
        reached = service_level(
            agents, arrivals_per_hour=arrivals_per_hour, handle_seconds=handle_seconds, target_seconds=target_seconds
        )
        if reached >= target_share:
            return agents
        agents += 1
    return MAX_AGENTS


def _channel_q(chat: bool | None) -> Q:
    """Live chats only (True), every other channel (False), or all tickets (None)."""
    if chat is None:
        return Q()
    return Q(channel=Channel.CHAT) if chat else ~Q(channel=Channel.CHAT)


def hourly_arrivals(*, start: datetime, weeks: int, chat: bool | None = None) -> list[float]:
    """Tickets created in each hour of ``weeks`` weeks from ``start`` (local midnight),
    oldest first: ``weeks × 168`` counts (``chat``: live chats only, or every other
    channel; None: all). One query."""
    end = start + timedelta(weeks=weeks)
    rows = (
        Ticket.objects.filter(_channel_q(chat), created_at__gte=start, created_at__lt=end, merged_into__isnull=True)
        .annotate(day=TruncDate("created_at"), hour=ExtractHour("created_at"))
        .values("day", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = [0.0] * (weeks * HOURS_A_WEEK)
    first_day = timezone.localtime(start).date()
    for row in rows:
        index = (row["day"] - first_day).days * 24 + row["hour"]
        if 0 <= index < len(counts):
            counts[index] = float(row["n"])
    return counts


def _features(weeks: int, first_week: int = 0) -> Any:
    import numpy as np

    rows = weeks * HOURS_A_WEEK
    features = np.zeros((rows, HOURS_A_WEEK + 1))
    for index in range(rows):
        features[index, index % HOURS_A_WEEK] = 1.0
        features[index, HOURS_A_WEEK] = first_week + index // HOURS_A_WEEK
    return features


def forecast_week(history: list[float]) -> list[float]:
    """Next week's arrivals per hour from whole weeks of hourly counts: a ridge regression
    on the hour of the week (one-hot) and the week number (the trend)."""
    import numpy as np
    from sklearn.linear_model import Ridge

    weeks = len(history) // HOURS_A_WEEK
    model = Ridge(alpha=RIDGE_ALPHA).fit(_features(weeks), np.array(history))
    return [max(0.0, float(value)) for value in model.predict(_features(1, first_week=weeks))]


def forecast_error(history: list[float], held_back: int = HELD_BACK_WEEKS) -> dict[str, float] | None:
    """The forecast's error on the last ``held_back`` weeks, each forecast from the weeks
    before it: mean absolute error per hour and the error on the week's total, in %."""
    weeks = len(history) // HOURS_A_WEEK
    if weeks <= held_back + 1:
        return None
    absolute, totals = [], []
    for week in range(weeks - held_back, weeks):
        predicted = forecast_week(history[: week * HOURS_A_WEEK])
        actual = history[week * HOURS_A_WEEK : (week + 1) * HOURS_A_WEEK]
        absolute += [abs(p - a) for p, a in zip(predicted, actual, strict=True)]
        if sum(actual):
            totals.append(abs(sum(predicted) - sum(actual)) / sum(actual))
    return {
        "weeks": held_back,
        "mae_per_hour": round(sum(absolute) / len(absolute), 2),
        "total_error_pct": round(100 * sum(totals) / len(totals), 1) if totals else None,
    }


def handle_seconds(*, start: datetime, end: datetime) -> tuple[float, int]:
    """Seconds of agent work per ticket (live chats apart): agents' public replies per
    ticket resolved between ``start`` and ``end`` × ``HELPDESK_STAFFING_MINUTES_PER_REPLY``;
    and the tickets it rests on. Two queries."""
    resolved = Ticket.objects.filter(
        _channel_q(False), resolved_at__gte=start, resolved_at__lt=end, merged_into__isnull=True
    )
    tickets = resolved.count()
    if not tickets:
        return settings.HELPDESK_STAFFING_MINUTES_PER_REPLY * 60.0, 0
    replies = TicketMessage.objects.filter(
        ticket__in=resolved, kind=MessageKind.REPLY, author__agent_profile__isnull=False
    ).count()
    return max(replies / tickets, 1.0) * settings.HELPDESK_STAFFING_MINUTES_PER_REPLY * 60.0, tickets


# A chat's seconds in the person queue: from its creation to the first reply by a person, or
# to its end for one abandoned, less the time the clock was paused (the bot's answer waiting
# on the learner before they asked for a person).
_CHAT_ENDED = Coalesce("resolved_at", "closed_at")
_CHAT_QUEUE_SECONDS = SecondsBetween(Coalesce("first_responded_at", _CHAT_ENDED), "created_at") - F(
    "sla_paused_minutes"
) * Value(60.0, output_field=FloatField())


def chats_abandoned_q() -> Q:
    """Chats the learner left before a person answered (docs/metrics.md): ended (resolved
    or closed) with no first response by a person and not solved by the bot (deflected)."""
    return Q(
        channel=Channel.CHAT,
        first_responded_at__isnull=True,
        deflected_at__isnull=True,
    ) & (Q(resolved_at__isnull=False) | Q(closed_at__isnull=False))


def chats_queued_q() -> Q:
    """Chats that waited for a person: answered by one, or abandoned."""
    return Q(channel=Channel.CHAT, first_responded_at__isnull=False) | chats_abandoned_q()


def chat_patience(*, start: datetime, end: datetime) -> dict[str, Any]:
    """The learners' patience in the chat queue, over the chats created between ``start``
    and ``end`` that waited for a person: with exponential patience, its maximum-likelihood
    mean is the total time all of them waited (the answered ones' waits are patience not
    yet run out) divided by the number who left. ``patience_seconds`` is None when nobody
    left (patience not measurable: Erlang C then). One query."""
    row = Ticket.objects.filter(
        chats_queued_q(), created_at__gte=start, created_at__lt=end, merged_into__isnull=True
    ).aggregate(
        queued=Count("pk"),
        abandoned=Count("pk", filter=chats_abandoned_q()),
        waited=Sum(_CHAT_QUEUE_SECONDS),
    )
    queued, abandoned = row["queued"], row["abandoned"]
    waited = max(float(row["waited"] or 0.0), 0.0)
    return {
        "queued": queued,
        "abandoned": abandoned,
        "abandoned_pct": round(100.0 * abandoned / queued, 1) if queued else None,
        "patience_seconds": round(waited / abandoned, 1) if abandoned and waited > 0 else None,
    }


def chat_handle_seconds(*, start: datetime, end: datetime) -> tuple[float | None, int]:
    """A chat seat's time per answered chat: the mean from the first reply by a person to
    the resolution, over the chats resolved between ``start`` and ``end``; and the chats it
    rests on (None without any). One query."""
    row = Ticket.objects.filter(
        channel=Channel.CHAT,
        first_responded_at__isnull=False,
        resolved_at__gte=start,
        resolved_at__lt=end,
        merged_into__isnull=True,
    ).aggregate(n=Count("pk"), mean=Avg(SecondsBetween("resolved_at", "first_responded_at")))
    if not row["n"]:
        return None, 0
    return max(float(row["mean"] or 0.0), 1.0), row["n"]


def chat_capacity_mean() -> float:
    """The mean concurrent-chat capacity of the active agents who take chats (1 without any)."""
    value = AgentProfile.objects.filter(user__is_active=True, chat_capacity__gt=0).aggregate(mean=Avg("chat_capacity"))[
        "mean"
    ]
    return float(value) if value else 1.0


def chat_agents_needed(
    *,
    arrivals_per_hour: float,
    handle_seconds: float,
    patience_seconds: float | None,
    target_seconds: float,
    target_share: float,
    capacity: float,
) -> int:
    """Agents for live chat: the seats Erlang A needs (Erlang C when patience is unknown),
    divided by the agents' mean chat capacity, rounded up."""
    seats = agents_needed(
        arrivals_per_hour=arrivals_per_hour,
        handle_seconds=handle_seconds,
        target_seconds=target_seconds,
        target_share=target_share,
        patience_seconds=patience_seconds,
    )
    return math.ceil(seats / max(capacity, 1.0) - 1e-9) if seats else 0


def agents_available(hours: list[datetime]) -> list[int]:
    """Agents available at each hour: the agents marked available now, in the hours the
    support calendar (the normal priority's business hours) is open; 0 when it is closed.
    A plan for the week: who is online this minute (presence) is routing's concern."""
    available = AgentProfile.objects.filter(is_available=True, user__is_active=True).count()
    policy = SLAPolicy.objects.select_related("business_hours").filter(priority="normal").first()
    hours_row: BusinessHours | None = policy.business_hours if policy else None
    calendar = calendar_for(hours_row)
    if calendar is None:
        return [available] * len(hours)
    result = []
    for moment in hours:
        local = moment.astimezone(calendar.tz)
        opening = calendar.hours_on(local.date())
        moment_time = local.time()
        is_open = any(start <= moment_time and (end == end.min or moment_time < end) for start, end in opening)
        result.append(available if is_open else 0)
    return result


def week_start_of(day: date) -> datetime:
    """Local midnight of the Monday of ``day``'s week."""
    return timezone.make_aware(datetime.combine(day - timedelta(days=day.weekday()), datetime.min.time()))


def staffing_forecast_data(*, today: date | None = None) -> dict[str, Any]:
    """This week's forecast (from Monday), from the ``HISTORY_WEEKS`` weeks before it: the
    arrivals per hour, the agent work per ticket and the forecast's error on held-back
    weeks, for every channel but chat; and for live chat (``chat``, None without chats in
    the history) its own arrivals, conversation time and patience. What beat stores
    (``StaffingForecast``); independent of the manager's targets. Seven queries."""
    week_start = week_start_of(today or timezone.localdate())
    history_start = week_start - timedelta(weeks=HISTORY_WEEKS)
    history = hourly_arrivals(start=history_start, weeks=HISTORY_WEEKS, chat=False)
    seconds, sample = handle_seconds(start=history_start, end=week_start)
    chats = hourly_arrivals(start=history_start, weeks=HISTORY_WEEKS, chat=True)
    chat = None
    if sum(chats):
        chat_seconds, chat_sample = chat_handle_seconds(start=history_start, end=week_start)
        chat = {
            "arrivals": [round(value, 4) for value in forecast_week(chats)],
            "history_chats": int(sum(chats)),
            "handle_seconds": chat_seconds
            if chat_seconds is not None
            else settings.HELPDESK_STAFFING_MINUTES_PER_REPLY * 60.0,
            "handle_sample": chat_sample,
            **chat_patience(start=history_start, end=week_start),
            "error": forecast_error(chats),
        }
    return {
        "week_start": week_start,
        "arrivals": [round(value, 4) for value in forecast_week(history)],
        "handle_seconds": seconds,
        "handle_sample": sample,
        "history_tickets": int(sum(history)),
        "error": forecast_error(history),
        "chat": chat,
    }


@dataclass(frozen=True)
class StaffingPlan:
    forecast: Any  # the StaffingForecast it rests on
    rows: list[dict[str, Any]]


# The chat column of a stored forecast for one target, kept this long (seconds): Erlang A
# costs a few milliseconds an evaluation, a busy chat week a few seconds for 168 hours.
CHAT_PLAN_CACHE_SECONDS = 24 * 3600


def _chat_needed_cached(
    forecast: Any,
    chat: dict[str, Any],
    arrivals: list[float],
    *,
    target_seconds: float,
    target_share: float,
    capacity: float,
) -> list[int]:
    """The agents live chat needs each hour (``chat_agents_needed``), cached per stored
    forecast (its id and computation time), target and capacity."""
    from django.core.cache import cache

    if not any(arrivals):
        return [0] * len(arrivals)
    stamp = forecast.computed_at.timestamp()
    key = f"staffing-chat:{forecast.pk}:{stamp}:{target_seconds:g}:{target_share:g}:{capacity:g}"
    needed = cache.get(key)
    if needed is None:
        needed = [
            chat_agents_needed(
                arrivals_per_hour=chats,
                handle_seconds=chat.get("handle_seconds") or 60.0,
                patience_seconds=chat.get("patience_seconds"),
                target_seconds=target_seconds,
                target_share=target_share,
                capacity=capacity,
            )
            for chats in arrivals
        ]
        cache.set(key, needed, CHAT_PLAN_CACHE_SECONDS)
    return needed


def staffing_plan(
    forecast: Any,
    *,
    target_seconds: float,
    target_share: float,
    chat_target_seconds: float = 60.0,
    chat_target_share: float = 0.8,
) -> StaffingPlan:
    """A stored week's forecast (``StaffingForecast``), hour by hour: the arrivals and the
    agents Erlang C needs for the target (every channel but chat); the chats and the agents
    Erlang A needs for the chat target; their sum; and the agents available now."""
    hours = [forecast.week_start + timedelta(hours=index) for index in range(HOURS_A_WEEK)]
    chat = forecast.chat or {}
    chat_arrivals = chat.get("arrivals") or [0.0] * HOURS_A_WEEK
    capacity = chat_capacity_mean() if chat else 1.0
    chat_needed_by_hour = _chat_needed_cached(
        forecast,
        chat,
        chat_arrivals,
        target_seconds=chat_target_seconds,
        target_share=chat_target_share,
        capacity=capacity,
    )
    rows = []
    for moment, arrivals, chats, chat_needed, free in zip(
        hours, forecast.arrivals, chat_arrivals, chat_needed_by_hour, agents_available(hours), strict=True
    ):
        needed = agents_needed(
            arrivals_per_hour=arrivals,
            handle_seconds=forecast.handle_seconds,
            target_seconds=target_seconds,
            target_share=target_share,
        )
        rows.append(
            {
                "at": moment,
                "arrivals": round(arrivals, 2),
                "needed": needed,
                "chat_arrivals": round(chats, 2),
                "chat_needed": chat_needed,
                "total_needed": needed + chat_needed,
                "available": free,
            }
        )
    return StaffingPlan(forecast=forecast, rows=rows)
