"""Demo tickets for ``manage.py seed_demo --tickets N``: realistic, consistent, deterministic
and idempotent.

What a ticket looks like
    Each demo ticket ``i`` is written by the customers of a knowledge-payment platform in
    their own language (zh-hans or en), from templates per category (subject, first
    message, agent reply, customer follow-up, final reply, resolution) filled with the
    customer's own orders and courses. Its life is *played* by :class:`_Story`, which
    follows the rules of ``tickets.services`` step by step: the routing and escalation
    rules (complaints and VIP customers go to tier 2, refunds above the limit or outside
    the window, reopened twice, tier-1 first-response breaches, manual escalations with a
    reason), the status transitions of ``TRANSITIONS``, the SLA clock (due times from the
    priority's policy and business hours, paused while pending, breaches marked by the
    every-minute job), refunds decided by tier 2 or a manager (approved ones update the
    order, never above what is refundable), auto-close after
    ``HELPDESK_CLOSE_RESOLVED_AFTER_DAYS`` by the hourly job, and CSAT ratings. Live chats
    (a few %, in the support hours) play in seconds: the bot's answer or hand-over, an agent
    within the learner's patience or an abandoned chat, a short exchange, a rating. Every step
    appends the event the service would append. Steps later than now do not happen, so
    old tickets end closed and recent ones are new, open or pending.

Deterministic and idempotent
    Ticket ``i`` draws everything from its own ``random.Random`` (seed and ``i``), and is
    marked by ``"demo": i`` in the data of its ``tickets.ticket.created`` event (chosen
    over a subject + customer pattern, which can repeat, or a count, which cannot tell
    which ticket is missing). A run creates the indices ``0..N-1`` that are not marked
    yet, in ascending order, so a second run adds nothing, a larger N adds only the
    missing tickets (the result is the same as seeding N at once), and a deleted demo
    ticket comes back the same. Ticket ``i`` first picks when it is written (over the last
    12 months, twice as busy now as a year ago; a share of the first 40 in the last days,
    so that even a small demo has a live queue), then its customer among a few demo
    customers ``0..customers-1`` of the same seed (found by email like ``demo.people``;
    the first who had joined by then), then a request that fits their orders. The first
    six go to the two named demo customers so that their logins show tickets. Refunds
    update the orders in ticket order, so amounts stay within what is refundable. NPS
    surveys are per customer (their own random stream and their orders' payment dates)
    and only added for customers who have none. Dates are relative to the hour of the run.

Fast
    Tickets are built and written in chunks of :data:`CHUNK` per transaction, as plain
    rows rather than model instances; on PostgreSQL with ``COPY`` (ids drawn from the
    sequences first), elsewhere with ``bulk_create``. SLA arithmetic uses
    :class:`_FastClock`, the same business-minute math as ``tickets.sla_clock`` over a
    precomputed table of opening intervals. 100,000 tickets take about two minutes on
    PostgreSQL (docs/benchmarks.md).
"""

# ruff: noqa: S311 - demo data, not cryptography
import json
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, IntegerField, JSONField, Lookup, Model, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import AgentProfile, Course, CourseKind, Order, OrderStatus, Role, User
from demo.kb import AUTO_ANSWERABLE
from demo.kb_articles import ARTICLES
from demo.kb_articles import CATEGORIES as KB_CATEGORIES
from demo.people import STAFF, _customer_identity
from tickets.choices import ACTIVE_STATUSES, Channel, Priority, Status
from tickets.models import (
    Category,
    CSATResponse,
    MessageKind,
    NPSResponse,
    RefundRequest,
    RefundStatus,
    SLAPolicy,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from tickets.services.escalation import COMPLAINT, EscalationRule
from tickets.services.lifecycle import TRANSITIONS
from tickets.services.sla import calendar_for
from tickets.sla_clock import BusinessCalendar, _open_intervals, add_business_minutes, business_minutes_between

from .ticket_texts import (
    CATEGORY_WEIGHTS,
    CHANNEL_WEIGHTS,
    CHAT_AGENT_HELLO,
    CHAT_BOT_HELLO,
    CHAT_BYE,
    CHAT_HANDOVER,
    CHAT_LEFT_RESOLUTION,
    CHAT_THANKS,
    COMPANIES,
    CSAT_COMMENTS,
    DEVICES,
    ESCALATION_REASONS,
    FALLBACK_COURSE,
    HOLD_NOTES,
    LEARNING,
    NO_REPLY,
    NO_REPLY_RESOLUTION,
    NOTES,
    NPS_COMMENTS,
    NUDGES,
    ORDER_NOTES,
    PHONE_PREFIX,
    PRIORITIES,
    PRIORITY_WEIGHTS,
    REFUND_APPROVE_NOTES,
    REFUND_APPROVED,
    REFUND_APPROVED_ZH,
    REFUND_ARGUE,
    REFUND_NOTES,
    REFUND_REJECT_NOTES,
    REFUND_REJECTED_REPLIES,
    REFUND_REJECTED_RESOLUTION,
    REOPEN_TEXTS,
    SECOND_FIX,
    TEACHERS,
    TEMPLATES,
    Template,
)

# Tickets per transaction. A ticket writes about 15 rows (ticket, ~4 messages, ~9 events,
# sometimes a refund and a rating), so a chunk is ~40,000 rows: large enough that the
# per-transaction and per-query overhead vanishes, small enough that memory stays flat
# (the chunk's model instances, about 100 MB) and a failure loses one chunk.
CHUNK = 2500
# Rows per INSERT. Tickets have 30 columns: 1,000 rows are 30,000 parameters, under
# PostgreSQL's 65,535 limit; the narrow tables take 2,000-5,000 rows per statement.
# Bigger statements gain nothing measurable; Django splits further on SQLite.
TICKET_BATCH = 1000
ROW_BATCH = 2000
EVENT_BATCH = 4000
# Customers per NPS chunk (one email lookup, one order query, one insert each).
NPS_CHUNK = 5000

CREATED = "tickets.ticket.created"
NAMED_TICKETS = 6  # tickets 0..5 go to customer@example.com and customer2@example.com

# How the story goes. Rates are per ticket unless said otherwise.
FIRST_RESPONSE_LATE = 0.06  # agents miss the first-response target (tier 1 then escalates)
QUICK = 0.3  # the first answer solves it (phone: 0.55)
ASK = 0.6  # the first answer asks the customer something (pending) rather than works on it
MANUAL_ESCALATION = 0.06  # of tier-1 tickets still open after the first answer
STALE = 0.012  # nothing happens after the first answer (old tickets left open)
REOPEN_RATE = 0.07  # the customer says it is not solved (again: 0.25)
CONFIRM = 0.22  # the customer confirms the solution (closes) before the auto-close
# Automatic answers (kb.autoanswer) on web, email and API tickets of the auto-answerable
# categories (demo.kb.AUTO_ANSWERABLE): how often the triage model is confident enough,
# then what the customer does: "solved", silence (assumed solved after 72 h), or "not
# solved" (back to tier 1).
AUTO_ANSWERED = 0.45
AUTO_SOLVED, AUTO_SILENT = 0.4, 0.25  # the rest say "not solved"
AUTO_ANSWER_TEXT = {
    "zh-hans": "您好，在客服处理您的问题之前，这些帮助中心文章也许已经能解答您的问题：{articles}\n\n"
    "如果问题已解决，请在工单页面选择“已解决”；如果没有，请选择“未解决”，客服会接着处理，您的排队时间不受影响。",
    "en": "Hello, while our support team looks at your request, these help-center articles may already answer it: "
    "{articles}\n\nIf one of them solves your problem, choose “Solved” on your ticket page. If not, choose “Not "
    "solved” and an agent will take it from here; you lose no time in the queue.",
}
# Live chats: the bot answers with articles (auto-answerable categories; else it hands over
# at once), the learner confirms or asks for a person; an agent answers after a log-normal
# wait (median CHAT_ANSWER_SECONDS) unless the learner's patience (exponential, mean
# CHAT_PATIENCE_SECONDS) runs out first: the chat is abandoned, closed by the system.
CHAT_BOT_ANSWERS, CHAT_BOT_SOLVED = 0.6, 0.35
CHAT_ANSWER_SECONDS, CHAT_ANSWER_SPREAD = 25.0, 0.8
CHAT_PATIENCE_SECONDS = 90.0
CHAT_RATED = 0.5  # learners who rate at the end of a chat (the widget asks)
# When tickets come: over the year, twice as many now as a year ago (the customer base
# grows); a quarter of the first RECENT_FIRST tickets in the last days, so that even a
# small demo has a live queue.
RECENT_FIRST, RECENT_SHARE, RECENT_DAYS = 40, 0.25, timedelta(days=3)
CANDIDATES = 3  # customers tried per ticket, for one who had joined by then
CSAT_RATE = 0.38  # resolved tickets rated
NPS_ANSWER_RATE = 0.3
CSAT_WEIGHTS = (  # ratings 5, 4, 3, 2, 1 by how badly it went (0, 1, 2+ problems)
    (62, 24, 7, 3, 4),
    (38, 27, 15, 9, 11),
    (18, 20, 20, 17, 25),
)
NPS_WEIGHTS = (2, 1, 1, 2, 2, 4, 6, 12, 18, 22, 30)  # scores 0..10: ~52% promoters, ~18% detractors

RUNNING = frozenset(ACTIVE_STATUSES) - {Status.PENDING}
LEARNING_KINDS = frozenset(LEARNING)
REFUNDABLE = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)
CENT = Decimal("0.01")
_US = timedelta(microseconds=1)


@dataclass
class TicketSeedReport:
    tickets_created: int = 0
    messages_created: int = 0
    events_created: int = 0
    refunds_created: int = 0
    csat_created: int = 0
    nps_created: int = 0
    skipped: int = 0  # demo tickets whose customer does not exist


class _FastClock:
    """``add_business_minutes`` and ``business_minutes_between`` of one calendar, exact to
    the microsecond like ``tickets.sla_clock``: the opening intervals of ``[start, end)``
    come from ``sla_clock`` once, with the business time before each, and a binary search
    replaces the walk over the days. Anything outside the span goes to ``sla_clock``."""

    def __init__(self, calendar: BusinessCalendar | None, start: datetime, end: datetime) -> None:
        self.calendar, self.start, self.end = calendar, start, end
        self.los: list[datetime] = []
        self.his: list[datetime] = []
        self.before: list[int] = []  # business microseconds before interval i
        self.through: list[int] = []  # ... up to the end of interval i
        if calendar is None:
            return
        total = 0
        for lo, hi in _open_intervals(start, calendar, until=end):
            if lo >= end:
                break
            self.los.append(lo)
            self.his.append(hi)
            self.before.append(total)
            total += (hi - lo) // _US
            self.through.append(total)

    def _position(self, at: datetime) -> int | None:
        if not self.start <= at < self.end:
            return None
        i = bisect_right(self.los, at) - 1
        if i < 0:
            return 0
        if at < self.his[i]:
            return self.before[i] + (at - self.los[i]) // _US
        return self.through[i]

    def add(self, start: datetime, minutes: float) -> datetime:
        if self.calendar is None:
            return start.astimezone(UTC) + timedelta(minutes=minutes)
        remaining = timedelta(minutes=minutes)
        if not remaining:
            return start.astimezone(UTC)
        position = self._position(start)
        if position is not None:
            target = position + remaining // _US
            j = bisect_left(self.through, target)  # an exact fit stays at the interval's end
            if j < len(self.through):
                return self.los[j] + (target - self.before[j]) * _US
        return add_business_minutes(start, minutes, self.calendar)

    def between(self, start: datetime, end: datetime) -> float:
        if self.calendar is not None and start < end:
            a, b = self._position(start), self._position(end)
            if a is not None and b is not None:
                return ((b - a) * _US).total_seconds() / 60
        return business_minutes_between(start, end, self.calendar)


class _Row:
    """A row to write, with the model's field names (attnames) as attributes; ``ticket``
    and ``message`` link rows that get their ids when written. Much cheaper than model
    instances, which are only made (for ``bulk_create``) off PostgreSQL."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


@dataclass
class _Policy:
    first_response: float  # minutes
    resolution: float
    clock: _FastClock


@dataclass
class _Agent:
    pk: int
    tier: int
    skills: frozenset[int]


@dataclass
class _Customer:
    pk: int
    email: str
    name: str
    language: str
    joined: datetime
    is_vip: bool
    orders: list["_Row"] = field(default_factory=list)


class _Context:
    """What every ticket needs, read once: policies and clocks, categories, demo staff,
    courses, labels and settings."""

    def __init__(self, *, seed: int, customers: int, now: datetime) -> None:
        self.seed, self.customers, self.now = seed, customers, now
        self.year_ago = now - timedelta(days=365)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.job_tz = ZoneInfo(getattr(settings, "CELERY_TIMEZONE", None) or settings.TIME_ZONE)
        span = (now - timedelta(days=400), now + timedelta(days=200))
        self.wall = _FastClock(None, *span)
        clocks: dict[int | None, _FastClock] = {}
        self.policies: dict[str, _Policy] = {}
        self.chat_policies: dict[str, _Policy] = {}
        for policy in SLAPolicy.objects.select_related("business_hours"):
            key = policy.business_hours_id
            if key not in clocks:
                clocks[key] = _FastClock(calendar_for(policy.business_hours), *span)
            self.policies[policy.priority] = _Policy(
                policy.first_response_minutes, policy.resolution_minutes, clocks[key]
            )
            # A chat's targets, in seconds (as fractional minutes), on the same clock.
            self.chat_policies[policy.priority] = _Policy(*policy.targets_minutes(Channel.CHAT), clocks[key])
        self.categories = dict(Category.objects.values_list("slug", "pk"))
        normal = self.policies.get(Priority.NORMAL)
        self.support_hours = normal.clock if normal else self.wall  # when phones are answered
        self.ticket_defaults = {f.attname: f.get_default() for f in Ticket._meta.concrete_fields}
        # Every column but the id, updated_at last (set when written).
        self.ticket_columns = tuple(
            f.attname for f in Ticket._meta.concrete_fields if f.attname not in ("id", "updated_at")
        ) + ("updated_at",)
        self.complaint_id = self.categories.get(COMPLAINT)

        emails = [row[0] for row in STAFF]
        profiles = (
            AgentProfile.objects.filter(user__email__in=emails, user__is_active=True)
            .prefetch_related("skills")
            .order_by("user__email")
        )
        agents = [(p, _Agent(p.user_id, p.tier, frozenset(s.pk for s in p.skills.all()))) for p in profiles]
        self.tier1 = [a for p, a in agents if a.tier == 1 or p.takes_tier1]
        self.tier2 = [a for _, a in agents if a.tier == 2]
        self.loggers = [a for a in self.tier1 if a.tier == 1] or self.tier1
        self.tier1_pks = {a.pk for a in self.tier1}
        self.tier2_pks = {a.pk for a in self.tier2}
        managers = User.objects.filter(email__in=emails, groups__name=Role.MANAGER, is_active=True).order_by("email")
        self.deciders = [a.pk for a in self.tier2] + [
            pk for pk in managers.values_list("pk", flat=True) if pk not in self.tier2_pks
        ]
        if not self.tier1 or not self.tier2 or not self.deciders:
            raise ValueError("Demo tickets need the demo agents of both tiers (demo.people.STAFF).")

        courses = sorted(Course.objects.all(), key=lambda c: c.code)
        self.courses = {c.pk: c for c in courses}
        self.catalog = {lang: [c for c in courses if c.language == lang] or courses for lang in ("zh-hans", "en")}

        with translation.override(settings.LANGUAGE_CODE):
            self.auto_close_reason = gettext("Closed automatically after resolution.")
        self.approved_text = {}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                text = gettext(REFUND_APPROVED)
            self.approved_text[language] = REFUND_APPROVED_ZH if language != "en" and text == REFUND_APPROVED else text
        self.reopen_at = settings.HELPDESK_REOPEN_ESCALATE_AT
        self.refund_above = Decimal(str(settings.HELPDESK_REFUND_ESCALATE_ABOVE))
        self.refund_window = timedelta(days=settings.HELPDESK_REFUND_WINDOW_DAYS)
        self.close_after = timedelta(days=settings.HELPDESK_CLOSE_RESOLVED_AFTER_DAYS)
        self.nps_interval = timedelta(days=settings.HELPDESK_NPS_INTERVAL_DAYS)

    def customer_email(self, k: int) -> str:
        return _customer_email(self.seed, k)

    def local_date(self, at: datetime | None) -> str:
        return at.astimezone(self.tz).date().isoformat() if at else ""


@lru_cache(maxsize=1 << 16)
def _customer_email(seed: int, k: int) -> str:
    """The email of demo customer ``k`` (as ``demo.people`` makes it)."""
    return _customer_identity(k, random.Random(seed * 1_000_003 + k))[0]


class _AnyOf(Lookup):
    """``field = ANY(%s)``: one array parameter instead of thousands in ``IN (...)``, whose
    per-value preparation and query parsing cost more than the query on PostgreSQL."""

    lookup_name = "demo_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, list(self.rhs))


def _among(field: str, values) -> Q | _AnyOf:
    """``field__in=values``, as ``= ANY`` on PostgreSQL."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), list(values))
    return Q(**{f"{field}__in": list(values)})


def _minute_job(at: datetime) -> datetime:
    """When the every-minute breach job first sees ``at`` as past: the next whole minute."""
    floor = at.replace(second=0, microsecond=0)
    return floor if floor == at else floor + timedelta(minutes=1)


def _hourly_job(at: datetime) -> datetime:
    """The first run of the hourly close job (at :05) at or after ``at``."""
    run = at.replace(minute=5, second=0, microsecond=0)
    return run if run >= at else run + timedelta(hours=1)


def _daily_job(at: datetime, tz: ZoneInfo) -> datetime:
    """The first run of the daily NPS job (10:00 local) at or after ``at``."""
    local = at.astimezone(tz)
    run = datetime(local.year, local.month, local.day, 10, tzinfo=tz)
    if run < local:
        day = local.date() + timedelta(days=1)
        run = datetime(day.year, day.month, day.day, 10, tzinfo=tz)
    return run.astimezone(UTC)


def _customer_delay(rnd: random.Random) -> timedelta:
    """How long a customer takes to answer."""
    roll = rnd.random()
    if roll < 0.4:
        return timedelta(minutes=rnd.uniform(3, 120))
    if roll < 0.75:
        return timedelta(minutes=rnd.uniform(120, 720))
    return timedelta(minutes=rnd.uniform(720, 4320))


def _agent_minutes(rnd: random.Random) -> float:
    """Business minutes an agent takes for the next step."""
    roll = rnd.random()
    if roll < 0.6:
        return rnd.uniform(10, 180)
    if roll < 0.9:
        return rnd.uniform(180, 600)
    return rnd.uniform(600, 1800)


class _Story:
    """One ticket played through the rules of ``tickets.services``: each step checks the
    SLA clock first (breaches the every-minute job would have marked, with the tier-1
    escalation), then changes the ticket, adds messages and appends the service's events.
    A step later than now stops the story."""

    def __init__(
        self,
        ctx: _Context,
        rnd: random.Random,
        index: int,
        customer: _Customer,
        template: Template,
        category: str,
        order: "_Row | None",
        course: Course | None,
        values: dict[str, Any],
        *,
        created: datetime,
        priority: str,
        channel: str,
    ) -> None:
        self.ctx, self.rnd, self.index = ctx, rnd, index
        self.customer, self.lang, self.template, self.order, self.values = (
            customer,
            customer.language,
            template,
            order,
            values,
        )
        self.is_complaint = category == COMPLAINT
        self.category = category
        self.policy = (ctx.chat_policies if channel == Channel.CHAT else ctx.policies).get(priority)
        self.clock = self.policy.clock if self.policy else ctx.wall  # agents work the policy's hours
        self.ticket = _Row(**ctx.ticket_defaults)
        self.ticket.__dict__.update(
            subject=self.fill(template.subject)[:200],
            customer_id=customer.pk,
            channel=channel,
            category_id=ctx.categories.get(category),
            priority=priority,
            status=Status.NEW,
            tier=1,
            order_id=order.pk if order else None,
            course_id=course.pk if course else None,
            created_at=created,
            sla_paused_minutes=0.0,
            reopen_count=0,
            version=1,
        )
        self.messages: list[_Row] = []
        self.events: list[_Row] = []
        self.refund: _Row | None = None
        self.csat: _Row | None = None
        self.cursor = created
        self.running_since = created
        self.stopped = False
        self.agent_channel = channel if channel in (Channel.EMAIL, Channel.CHAT) else Channel.WEB
        self.customer_channel = channel if channel in (Channel.EMAIL, Channel.API, Channel.CHAT) else Channel.WEB
        self._due_set()

    # -- helpers --------------------------------------------------------------------
    def fill(self, text: str) -> str:
        return text.format_map(self.values)

    def pick(self, texts: dict[str, tuple[str, ...]]) -> str:
        return self.fill(self.rnd.choice(texts[self.lang]))

    def work(self, after: datetime, minutes: float) -> datetime:
        """When an agent is done ``minutes`` of working time after ``after``."""
        return self.clock.add(after, minutes)

    def summary(self) -> str | None:
        """What the agent writes as the resolution: always for complaints, often otherwise."""
        if self.is_complaint or self.rnd.random() < 0.7:
            return self.fill(self.template.resolution)
        return None

    def _due_set(self) -> None:
        """``sla_due_set``: due times from created_at, the policy and the minutes paused."""
        ticket, policy = self.ticket, self.policy
        if policy is None:
            ticket.first_response_due_at = ticket.resolution_due_at = None
            return
        paused = ticket.sla_paused_minutes
        ticket.first_response_due_at = policy.clock.add(ticket.created_at, policy.first_response + paused)
        ticket.resolution_due_at = policy.clock.add(ticket.created_at, policy.resolution + paused)

    def _event(self, type: str, actor: int | None = None, reason: str = "", message=None, **data: Any) -> None:
        self.events.append(
            _Row(
                ticket=self.ticket,
                actor_id=actor,
                type=type,
                data=data,
                reason=reason,
                created_at=self.cursor,
                message=message,
            )  # the message's id goes into data once it has one
        )

    def _message(
        self,
        author: int | None,
        body: str,
        *,
        channel: str,
        kind: str = MessageKind.REPLY,
        from_customer: bool = False,
        is_automatic: bool = False,
    ) -> "_Row":
        message = _Row(
            id=None,
            ticket=self.ticket,
            author_id=author,
            kind=kind,
            body=body,
            channel=channel,
            is_automatic=is_automatic,
            from_customer=from_customer,
            created_at=self.cursor,
        )
        self.messages.append(message)
        return message

    def _save(self) -> None:
        self.ticket.version += 1  # ticket_save

    def _at(self, when: datetime) -> bool:
        """Move the story to ``when`` (not before the last step), marking the breaches due
        before it; False once ``when`` is in the future."""
        if self.stopped or when > self.ctx.now:
            self.stopped = True
            return False
        self._breaches(when)
        self.cursor = max(self.cursor, when)
        return True

    def _breaches(self, until: datetime) -> None:
        """``sla_breaches_mark``, run every minute, on this ticket until ``until``."""
        ticket = self.ticket
        while ticket.status in RUNNING:
            due = []
            if (
                ticket.first_responded_at is None
                and ticket.first_response_breached_at is None
                and ticket.first_response_due_at
            ):
                due.append((_minute_job(max(ticket.first_response_due_at, self.running_since)), 0))
            if ticket.resolution_breached_at is None and ticket.resolution_due_at:
                due.append((_minute_job(max(ticket.resolution_due_at, self.running_since)), 1))
            if not due:
                return
            run, kind = min(due)
            at = max(self.cursor, run + timedelta(seconds=self.rnd.uniform(0.2, 3)))
            if at >= until or at > self.ctx.now:
                return
            self.cursor = at
            if kind == 0:
                ticket.first_response_breached_at = at
                self._save()
                self._event("tickets.ticket.first_response_breached")
                if ticket.tier == 1:
                    self._escalate(None, EscalationRule.FIRST_RESPONSE_BREACH)
            else:
                ticket.resolution_breached_at = at
                self._save()
                self._event("tickets.ticket.resolution_breached")

    def _status(self, to: str, actor: int | None, reason: str = "", resolution: str | None = None) -> None:
        """``_status_change_locked``."""
        ticket, current = self.ticket, self.ticket.status
        if to == current:
            return
        if to not in TRANSITIONS[current]:
            raise AssertionError(f"demo ticket {self.index}: {current} -> {to}")
        if resolution:
            ticket.resolution = resolution
        if to == Status.RESOLVED:
            if self.is_complaint and not ticket.resolution:
                ticket.resolution = self.fill(self.template.resolution)
            ticket.resolved_at = self.cursor
        if to == Status.CLOSED:
            ticket.closed_at = self.cursor
        if current == Status.PENDING:
            paused = self.clock_of_policy().between(ticket.sla_paused_at, self.cursor)
            ticket.sla_paused_minutes += paused
            ticket.sla_paused_at = None
            self._event("tickets.ticket.sla_resumed", paused_minutes=round(paused, 2))
            self._due_set()
        if to == Status.PENDING:
            ticket.sla_paused_at = self.cursor
            self._event("tickets.ticket.sla_paused")
        if to in RUNNING and current not in RUNNING:
            self.running_since = self.cursor
        ticket.status = to
        self._event("tickets.ticket.status_changed", actor, reason, **{"from": current, "to": to})

    def clock_of_policy(self) -> _FastClock:
        return self.policy.clock if self.policy else self.ctx.wall

    def _rule(self) -> str | None:
        """``escalation_rule_matching``."""
        ticket, ctx = self.ticket, self.ctx
        if ticket.tier != 1:
            return None
        if ticket.category_id is not None and ticket.category_id == ctx.complaint_id:
            return EscalationRule.COMPLAINT
        if self.customer.is_vip:
            return EscalationRule.VIP
        if ticket.reopen_count >= ctx.reopen_at:
            return EscalationRule.REOPENED
        if self.refund is not None:
            if self.refund.amount > ctx.refund_above:
                return EscalationRule.REFUND_AMOUNT
            paid_at = self.order.paid_at
            if paid_at is None or self.refund.created_at - paid_at > ctx.refund_window:
                return EscalationRule.REFUND_WINDOW
        return None

    def _escalate(self, actor: int | None, rule: str, reason: str | None = None) -> None:
        """``_escalate_locked``: tier 2, the event, and routing to tier 2."""
        reason = "" if reason is None else reason  # a rule's escalation: the rule says why
        self.ticket.tier = 2
        self.ticket.escalated_at = self.cursor
        self._save()
        self._event("tickets.ticket.escalated", actor, reason, rule=str(rule), **{"from": 1, "to": 2})
        self._route(reason)

    def _route(self, reason: str = "") -> None:
        """``ticket_route``: an agent of the tier, with the category as a skill when one is
        available (load balancing is left to chance). Keeps an assignee who fits the tier."""
        ticket, ctx = self.ticket, self.ctx
        pool = ctx.tier1 if ticket.tier == 1 else ctx.tier2
        if ticket.assignee_id in (ctx.tier1_pks if ticket.tier == 1 else ctx.tier2_pks):
            return
        skilled = [a for a in pool if ticket.category_id in a.skills]
        chosen = self.rnd.choice(skilled if skilled and self.rnd.random() < 0.92 else pool)
        previous, ticket.assignee_id = ticket.assignee_id, chosen.pk
        self._save()
        self._event("tickets.ticket.assigned", None, reason, **{"from": previous, "to": chosen.pk, "automatic": True})

    def _agent(self) -> int:
        """Who works the ticket now: its assignee."""
        if self.ticket.assignee_id is not None:
            return self.ticket.assignee_id
        return self.rnd.choice(self.ctx.tier1 if self.ticket.tier == 1 else self.ctx.tier2).pk

    # -- the services ------------------------------------------------------------------
    def open(self, *, logged_by: int | None, route: bool = True) -> None:
        """``ticket_open``: first message (a phone call is logged by an agent), the created
        event (marked with the demo index), escalation rules or routing."""
        ticket = self.ticket
        body = self.fill(self.template.first)
        if logged_by is not None:
            body = PHONE_PREFIX[self.lang] + body
        author = logged_by or self.customer.pk
        self._message(author, body, channel=ticket.channel, from_customer=logged_by is None)
        self._event(CREATED, author, channel=ticket.channel, demo=self.index)
        rule = self._rule()
        if rule is not None:
            self._escalate(None, rule)
        elif route:
            self._route()

    def request_refund(self, amount: Decimal) -> None:
        """The rest of ``refund_request_open``: the request, its event, rules or routing."""
        self.refund = _Row(
            ticket=self.ticket,
            order_id=self.order.pk,
            amount=amount,
            reason=self.messages[0].body,
            status=RefundStatus.REQUESTED,
            approved_amount=None,
            decided_by_id=None,
            decided_at=None,
            decision_note="",
            created_at=self.cursor,
        )
        self._event("tickets.refund.requested", self.customer.pk, amount=str(amount), order=self.order.pk)
        rule = self._rule()
        if rule is not None:
            self._escalate(None, rule)
        else:
            self._route()

    def agent_reply(
        self, when: datetime, body: str, status: str | None = None, *, internal: bool = False, resolution=None
    ) -> bool:
        """``ticket_reply`` by the assignee (a status change with it, as the desk allows)."""
        if not self._at(when):
            return False
        ticket, author = self.ticket, self._agent()
        message = self._message(
            author, body, channel=self.agent_channel, kind=MessageKind.NOTE if internal else MessageKind.REPLY
        )
        self._event("tickets.ticket.noted" if internal else "tickets.ticket.replied", author, message=message)
        if not internal and ticket.first_responded_at is None:
            ticket.first_responded_at = self.cursor
        target = status or (Status.OPEN if ticket.status == Status.NEW and not internal else None)
        if target:
            self._status(target, author, resolution=resolution)
        self._save()
        return True

    def customer_reply(self, when: datetime, body: str) -> bool:
        """``ticket_reply`` by the customer: reopens a resolved ticket (rules apply again),
        brings a new or pending one back to open."""
        if not self._at(when) or self.ticket.status == Status.CLOSED:
            return False
        ticket, customer = self.ticket, self.customer.pk
        message = self._message(customer, body, channel=self.customer_channel, from_customer=True)
        self._event("tickets.ticket.replied", customer, message=message)
        reopened = ticket.status == Status.RESOLVED
        if reopened:
            ticket.reopen_count += 1
            self._event("tickets.ticket.reopened", customer, count=ticket.reopen_count)
            self._status(Status.OPEN, customer)
        elif ticket.status in (Status.PENDING, Status.NEW):
            self._status(Status.OPEN, customer)
        self._save()
        if reopened and (rule := self._rule()) is not None:
            self._escalate(None, rule)
        return True

    def escalate_manually(self, when: datetime, reason: str) -> bool:
        """``ticket_escalate`` by the tier-1 assignee, with a reason."""
        if not self._at(when):
            return False
        if self.ticket.tier == 1 and self.ticket.status in ACTIVE_STATUSES:
            self._escalate(self._agent(), EscalationRule.MANUAL, reason)
        return True

    def refund_decide(self, when: datetime, *, approve: bool, amount: Decimal, note: str) -> bool:
        """``refund_approve`` / ``refund_reject`` by tier 2 (the assignee) or a manager."""
        if not self._at(when):
            return False
        ticket, order, refund = self.ticket, self.order, self.refund
        decider = ticket.assignee_id if ticket.assignee_id in self.ctx.tier2_pks else self.rnd.choice(self.ctx.deciders)
        refund.decided_by_id, refund.decided_at, refund.decision_note = decider, self.cursor, note
        if approve:
            amount = min(amount, order.amount - order.refunded_amount)
            order.refunded_amount += amount
            order.refunded_at = self.cursor
            order.status = (
                OrderStatus.REFUNDED if order.refunded_amount == order.amount else OrderStatus.PARTIALLY_REFUNDED
            )
            order.changed = True
            refund.status, refund.approved_amount = RefundStatus.APPROVED, amount
            text = self.ctx.approved_text[self.lang] % {
                "amount": amount,
                "currency": order.currency,
                "number": order.number,
            }
            self._message(None, text, channel=Channel.WEB, is_automatic=True)
            self._event("tickets.refund.approved", decider, note, amount=str(amount))
            if ticket.status in ACTIVE_STATUSES:
                self._status(Status.RESOLVED, decider, resolution=text)
        else:
            refund.status = RefundStatus.REJECTED
            self._message(None, note, channel=Channel.WEB, is_automatic=True)
            self._event("tickets.refund.rejected", decider, note)
        self._save()
        return True

    def auto_answer(self, when: datetime) -> bool:
        """``ticket_auto_answer_send``: the articles that may solve it; the ticket waits on
        the customer (pending)."""
        if not self._at(when) or self.ticket.status != Status.NEW:
            return False
        ticket = self.ticket
        articles = _answer_articles().get((self.category, self.lang), "")
        body = AUTO_ANSWER_TEXT[self.lang].format(articles=articles)
        message = self._message(None, body, channel=ticket.channel, is_automatic=True)
        self._event("tickets.ticket.auto_answered", message=message)
        ticket.auto_answered_at = self.cursor
        self._status(Status.PENDING, None, "auto-answer")
        self._save()
        return True

    def answer_confirm(self, when: datetime, *, solved: bool) -> bool:
        """``ticket_customer_confirm`` on the automatic answer: "solved" resolves it without
        an agent (a deflection), "not solved" brings it back to the queue."""
        if not self._at(when) or self.ticket.status != Status.PENDING:
            return False
        customer = self.customer.pk
        if solved:
            self._status(Status.RESOLVED, customer)
            self.ticket.deflected_at = self.cursor
            self._event("tickets.ticket.deflected", customer)
        else:
            self._status(Status.OPEN, customer)
        self._save()
        return True

    def confirm(self, when: datetime) -> bool:
        """``ticket_customer_confirm(solved=True)`` on a resolved ticket: closed."""
        if not self._at(when) or self.ticket.status != Status.RESOLVED:
            return False
        self._status(Status.CLOSED, self.customer.pk)
        self._save()
        return True

    def auto_close(self) -> bool:
        """``tickets_close_resolved``, hourly at :05."""
        run = _hourly_job(self.ticket.resolved_at + self.ctx.close_after)
        if not self._at(run + timedelta(seconds=self.rnd.uniform(0.5, 20))) or self.ticket.status != Status.RESOLVED:
            return False
        self._status(Status.CLOSED, None, self.ctx.auto_close_reason)
        self._save()
        return True

    def rate(self, when: datetime) -> bool:
        """``csat_record``: a rating of a resolved or closed ticket."""
        if not self._at(when) or self.ticket.status not in (Status.RESOLVED, Status.CLOSED):
            return False
        ticket, rnd = self.ticket, self.rnd
        problems = (
            bool(ticket.first_response_breached_at or ticket.resolution_breached_at)
            + bool(ticket.reopen_count)
            + self.is_complaint
            + 2 * bool(self.refund is not None and self.refund.status == RefundStatus.REJECTED)
        )
        rating = rnd.choices((5, 4, 3, 2, 1), weights=CSAT_WEIGHTS[min(problems, 2)])[0]
        band = "low" if rating <= 2 else "mid" if rating == 3 else "high"
        comment = rnd.choice(CSAT_COMMENTS[self.lang][band]) if rnd.random() < 0.5 else ""
        self.csat = _Row(
            ticket=ticket, customer_id=self.customer.pk, rating=rating, comment=comment, created_at=self.cursor
        )
        self._event("tickets.csat.recorded", self.customer.pk, rating=rating)
        return True

    def bot_says(self, when: datetime, body: str) -> bool:
        """The chat bot's message that changes nothing (it hands over to a person)."""
        if not self._at(when):
            return False
        self._message(None, body, channel=Channel.CHAT, is_automatic=True)
        return True

    def chat_left(self, when: datetime) -> bool:
        """The learner left the chat before a person answered: the system resolves it (an
        abandoned chat, docs/metrics.md); the hourly job closes it later."""
        if not self._at(when) or self.ticket.status not in ACTIVE_STATUSES:
            return False
        self._status(Status.RESOLVED, None, resolution=CHAT_LEFT_RESOLUTION[self.lang])
        self._save()
        return True

    def finish(self) -> None:
        """Breaches the job has marked up to now."""
        self._breaches(self.ctx.now)


# ---------------------------------------------------------------------------------------
# The plot
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _answer_articles() -> dict[tuple[str, str], str]:
    """Per (ticket category, language): the titles of the public demo articles that answer it."""
    ticket_category = {slug: ticket_slug for slug, _parent, ticket_slug, *_names in KB_CATEGORIES}
    titles: dict[tuple[str, str], list[str]] = {}
    for _key, kb_category, _tags, internal, (zh_title, _zh), (en_title, _en) in ARTICLES:
        if not internal:
            titles.setdefault((ticket_category[kb_category], "zh-hans"), []).append(f"《{zh_title}》")
            titles.setdefault((ticket_category[kb_category], "en"), []).append(f"“{en_title}”")
    return {key: ("" if key[1] == "zh-hans" else ", ").join(found[:3]) for key, found in titles.items()}


def _play(story: _Story) -> None:
    """First answer, then: solved at once, or a question to the customer (pending), or work
    (open / on hold); internal notes, a manual escalation now and then, the customer's
    answer or silence, the resolution; refunds go to a decision."""
    rnd, ticket, template = story.rnd, story.ticket, story.template
    if ticket.channel == Channel.CHAT:
        _play_chat(story)
        return
    phone = ticket.channel == Channel.PHONE
    start = ticket.created_at
    if (
        story.category in AUTO_ANSWERABLE
        and not phone
        and ticket.tier == 1
        and story.refund is None
        and rnd.random() < AUTO_ANSWERED
    ):
        if not story.auto_answer(ticket.created_at + timedelta(seconds=rnd.uniform(3, 40))):
            return
        outcome = rnd.random()
        if outcome < AUTO_SILENT:
            return  # no word from the customer: assumed solved once 72 hours pass
        solved = outcome < AUTO_SILENT + AUTO_SOLVED
        if not story.answer_confirm(story.cursor + _customer_delay(rnd), solved=solved):
            return
        if solved:
            _after_resolution(story)
            return
        start = story.cursor
    target = story.policy.first_response if story.policy else 240
    if phone:
        minutes = rnd.uniform(2, 20)
    elif rnd.random() < FIRST_RESPONSE_LATE:
        minutes = target * rnd.uniform(1.05, 2.5)
    else:
        minutes = 1 + target * min(0.97, rnd.betavariate(1.3, 3.2))
    first_at = story.work(start, minutes)
    if not phone and first_at - start > timedelta(hours=5) and rnd.random() < 0.3:
        story.customer_reply(start + (first_at - start) * rnd.uniform(0.3, 0.9), story.pick(NUDGES))
    if story.refund is not None:
        _play_refund(story, first_at)
        return
    if not story.is_complaint and rnd.random() < (0.55 if phone else QUICK):
        if story.agent_reply(first_at, story.fill(template.final), Status.RESOLVED, resolution=story.summary()):
            _after_resolution(story)
        return

    ask = rnd.random() < ASK
    hold = template.hold and not ask and rnd.random() < 0.6
    status = Status.PENDING if ask else Status.ON_HOLD if hold else Status.OPEN
    if not story.agent_reply(first_at, story.fill(template.reply), status):
        return
    if hold:
        note = story.pick(HOLD_NOTES)
    elif rnd.random() < 0.25:
        note = story.pick(ORDER_NOTES if story.order is not None and rnd.random() < 0.4 else NOTES)
    else:
        note = ""
    if note and not story.agent_reply(story.work(story.cursor, rnd.uniform(1, 60)), note, internal=True):
        return
    if (
        ticket.tier == 1
        and rnd.random() < MANUAL_ESCALATION
        and not story.escalate_manually(story.work(story.cursor, rnd.uniform(5, 120)), story.pick(ESCALATION_REASONS))
    ):
        return
    if rnd.random() < STALE:
        return

    if hold:  # the third party answers, the agent closes the loop
        at, body = story.work(story.cursor, rnd.uniform(240, 2400)), story.fill(template.final)
    elif rnd.random() < (0.85 if ask else 0.6):
        if not story.customer_reply(story.cursor + _customer_delay(rnd), story.fill(template.follow_up)):
            return
        if rnd.random() < 0.15 and not story.agent_reply(
            story.work(story.cursor, rnd.uniform(5, 90)), story.pick(NOTES), internal=True
        ):
            return
        at, body = story.work(story.cursor, _agent_minutes(rnd)), story.fill(template.final)
    elif ask:  # no answer for 3 days
        at = story.work(story.cursor + timedelta(days=rnd.uniform(3, 4.5)), rnd.uniform(0, 120))
        if not story.agent_reply(at, story.pick(NO_REPLY), Status.RESOLVED, resolution=NO_REPLY_RESOLUTION[story.lang]):
            return
        _after_resolution(story)
        return
    else:
        at, body = story.work(story.cursor, 2 * _agent_minutes(rnd)), story.fill(template.final)
    if story.agent_reply(at, body, Status.RESOLVED, resolution=story.summary()):
        _after_resolution(story)


def _play_chat(story: _Story) -> None:
    """A live chat, in seconds and minutes: the bot first (articles, or a hand-over), then
    an agent unless the learner leaves first; a short exchange, the agent closes it, and
    the learner may rate it."""
    rnd, ticket, template = story.rnd, story.ticket, story.template
    bot_at = ticket.created_at + timedelta(seconds=rnd.uniform(1, 4))
    if story.category in AUTO_ANSWERABLE and ticket.tier == 1 and rnd.random() < CHAT_BOT_ANSWERS:
        if not story.auto_answer(bot_at):
            return
        if rnd.random() < CHAT_BOT_SOLVED:
            if story.answer_confirm(story.cursor + timedelta(seconds=rnd.uniform(20, 120)), solved=True):
                _chat_end(story)
            return
        if not story.customer_reply(story.cursor + timedelta(seconds=rnd.uniform(15, 90)), story.pick(CHAT_HANDOVER)):
            return
    elif not story.bot_says(bot_at, story.pick(CHAT_BOT_HELLO)):
        return
    queued = story.cursor
    wait = rnd.lognormvariate(math.log(CHAT_ANSWER_SECONDS), CHAT_ANSWER_SPREAD)
    patience = rnd.expovariate(1 / CHAT_PATIENCE_SECONDS)
    if patience < wait:
        if story.chat_left(queued + timedelta(seconds=patience)):
            story.auto_close()
        return

    def later(low: float, high: float) -> datetime:
        return story.cursor + timedelta(seconds=rnd.uniform(low, high))

    if not (
        story.agent_reply(queued + timedelta(seconds=wait), story.pick(CHAT_AGENT_HELLO))
        and story.agent_reply(later(30, 120), story.fill(template.reply))
        and story.customer_reply(later(20, 90), story.fill(template.follow_up))
        and story.agent_reply(later(60, 300), story.fill(template.final))
        and story.customer_reply(later(10, 40), story.pick(CHAT_THANKS))
        and story.agent_reply(later(5, 30), story.pick(CHAT_BYE), Status.RESOLVED, resolution=story.summary())
    ):
        return
    _chat_end(story)


def _chat_end(story: _Story) -> None:
    """After a chat is resolved: a rating from some learners (the widget asks at once),
    then the hourly job closes it."""
    if story.rnd.random() < CHAT_RATED and not story.rate(story.cursor + timedelta(seconds=story.rnd.uniform(5, 60))):
        return
    story.auto_close()


def _play_refund(story: _Story, first_at: datetime) -> None:
    """Refund request: the agent acknowledges, tier 2 or a manager decides; an approval
    resolves the ticket, a rejection is explained and then resolved."""
    rnd, ticket, template, refund = story.rnd, story.ticket, story.template, story.refund
    if not story.agent_reply(first_at, story.fill(template.reply), Status.OPEN):
        return
    if ticket.assignee_id not in story.ctx.tier2_pks and not story.agent_reply(
        story.work(story.cursor, rnd.uniform(1, 20)), story.pick(REFUND_NOTES), internal=True
    ):
        return
    if rnd.random() < 0.5 and not story.customer_reply(
        story.cursor + timedelta(minutes=rnd.uniform(2, 240)), story.fill(template.follow_up)
    ):
        return
    late = story.order.paid_at is None or refund.created_at - story.order.paid_at > story.ctx.refund_window
    decide_at = story.work(story.cursor, rnd.uniform(30, 900))
    if rnd.random() < (0.45 if late else 0.85):
        amount = refund.amount
        if rnd.random() < 0.15:
            amount = max(CENT, (amount / 2).quantize(CENT))
        if not story.refund_decide(decide_at, approve=True, amount=amount, note=story.pick(REFUND_APPROVE_NOTES)):
            return
        if rnd.random() < 0.3:
            story.agent_reply(story.work(story.cursor, rnd.uniform(1, 30)), story.fill(template.final))
    else:
        note = story.pick(REFUND_REJECT_NOTES)
        if not story.refund_decide(decide_at, approve=False, amount=Decimal(0), note=note):
            return
        if rnd.random() < 0.55 and not story.customer_reply(
            story.cursor + _customer_delay(rnd), story.pick(REFUND_ARGUE)
        ):
            return
        resolution = REFUND_REJECTED_RESOLUTION[story.lang].format(note=note)
        if not story.agent_reply(
            story.work(story.cursor, _agent_minutes(rnd)),
            story.pick(REFUND_REJECTED_REPLIES),
            Status.RESOLVED,
            resolution=resolution,
        ):
            return
    _after_resolution(story)


def _after_resolution(story: _Story) -> None:
    """Maybe reopened (once or twice) within the week, then confirmed by the customer or
    closed by the hourly job; a rating from some customers."""
    rnd, ticket = story.rnd, story.ticket
    for rate in (REOPEN_RATE, 0.25):
        if ticket.status != Status.RESOLVED or rnd.random() >= rate:
            break
        at = ticket.resolved_at + timedelta(minutes=rnd.uniform(30, 60 * 24 * 5))
        if not story.customer_reply(at, story.pick(REOPEN_TEXTS)):
            return
        if not story.agent_reply(
            story.work(story.cursor, _agent_minutes(rnd)),
            story.pick(SECOND_FIX),
            Status.RESOLVED,
            resolution=story.summary(),
        ):
            return
    if ticket.status != Status.RESOLVED:
        return
    resolved = ticket.resolved_at
    steps: list[tuple[datetime, str]] = []
    if rnd.random() < CONFIRM:
        steps.append((resolved + timedelta(minutes=rnd.uniform(5, 2880)), "confirm"))
    else:
        steps.append((resolved + story.ctx.close_after + timedelta(hours=1), "close"))  # sorted; exact time below
    if rnd.random() < CSAT_RATE:
        steps.append((resolved + timedelta(minutes=rnd.uniform(3, 60 * 24 * 4)), "rate"))
    for at, step in sorted(steps):
        if step == "confirm":
            done = story.confirm(at)
        elif step == "close":
            done = story.auto_close()
        else:
            done = story.rate(at)
        if not done and story.stopped:
            return


# ---------------------------------------------------------------------------------------
# Casting: which customer, which request, when
# ---------------------------------------------------------------------------------------

CATEGORIES = tuple(CATEGORY_WEIGHTS)
CATEGORY_WEIGHTS_LIST = tuple(CATEGORY_WEIGHTS.values())
FALLBACK_CATEGORIES = ("other", "account-login")  # their templates need no order
CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _moment(ctx: _Context, rnd: random.Random, i: int) -> datetime:
    """When ticket ``i`` would like to be opened (its order may move it)."""
    if i < RECENT_FIRST and rnd.random() < RECENT_SHARE:
        return ctx.now - timedelta(seconds=rnd.uniform(600, RECENT_DAYS.total_seconds()))
    position = math.sqrt(1 + 3 * rnd.random()) - 1  # density 1 + x over the year (x: 0 -> 1)
    return ctx.year_ago + (ctx.now - ctx.year_ago) * position


def _candidates(i: int, rnd: random.Random, customers: int) -> list[int]:
    """Demo customers who may have written ticket ``i``: the named customers for the first
    ones, else a few draws (the first one who had joined by then wins)."""
    if i < NAMED_TICKETS:
        return [i % min(customers, 2)]
    return [_customer_of(rnd, customers) for _ in range(CANDIDATES)]


def _customer_of(rnd: random.Random, customers: int) -> int:
    """Mostly one of the 30% of customers who write often (indices 0-2 of every ten), else
    anyone."""
    if customers >= 10 and rnd.random() < 0.7:
        k = 10 * rnd.randrange(customers // 10) + rnd.randrange(3)
        if k < customers:
            return k
    return rnd.randrange(customers)


def _orders_for(template: Template, customer: _Customer, requested: set[int]) -> list["_Row"]:
    needs, kinds = template.needs, template.kinds
    found = []
    for order in customer.orders:
        kind = order.course.kind
        if kinds and kind not in kinds:
            continue
        if needs == "pending":
            ok = order.status == OrderStatus.PENDING
        elif needs == "refundable":
            ok = order.status in REFUNDABLE and order.refunded_amount < order.amount and order.pk not in requested
        elif needs == "refunded":
            ok = order.refunded_amount > 0 and order.refunded_at is not None
        elif order.paid_at is None:
            ok = False
        elif needs == "course":
            ok = kind in LEARNING_KINDS
        elif needs == "membership":
            ok = kind == CourseKind.MEMBERSHIP
        else:
            ok = needs == "order"
        if ok:
            found.append(order)
    return found


def _window(ctx: _Context, customer: _Customer, template: Template, order: "_Row | None"):
    """When the ticket can have been opened: after the customer joined, within the last
    year, and at the right moment of the order's life."""
    lo = max(ctx.year_ago, customer.joined + timedelta(minutes=30))
    hi = ctx.now - timedelta(minutes=10)
    if order is not None:
        if template.needs == "pending":
            lo, hi = max(lo, order.created_at + timedelta(minutes=2)), min(hi, order.created_at + timedelta(hours=3))
        elif template.needs == "refunded":
            lo, hi = max(lo, order.refunded_at + timedelta(days=1)), min(hi, order.refunded_at + timedelta(days=12))
        else:
            lo = max(lo, order.paid_at + timedelta(minutes=10))
            if order.refunded_at is not None:
                lo = max(lo, order.refunded_at + timedelta(hours=1))
            if template.soon:
                hi = min(hi, order.paid_at + timedelta(days=6))
    return (lo, hi) if lo < hi else None


def _cast(ctx: _Context, rnd: random.Random, customer: _Customer, requested: set[int], moment: datetime):
    """(category, template, order, window) for this customer: a category by weight (up to
    three draws), then a template whose order (if it needs one) the customer has, an
    order whose window holds ``moment`` if there is one."""
    drawn = rnd.choices(CATEGORIES, weights=CATEGORY_WEIGHTS_LIST, k=3)
    for category in dict.fromkeys((*drawn, *FALLBACK_CATEGORIES)):
        templates = TEMPLATES[(category, customer.language)]
        start = rnd.randrange(len(templates))
        for step in range(len(templates)):
            template = templates[(start + step) % len(templates)]
            if template.needs in (None, "catalog"):
                options: list[_Row | None] = [None]
            else:
                options = list(_orders_for(template, customer, requested))
            windows = [(order, w) for order in options if (w := _window(ctx, customer, template, order))]
            if windows:
                fitting = [(order, w) for order, w in windows if w[0] <= moment <= w[1]]
                order, window = rnd.choice(fitting or windows)
                return category, template, order, window
    return None


def _when(ctx: _Context, rnd: random.Random, lo: datetime, hi: datetime, moment: datetime) -> datetime:
    """``moment`` if it is in [lo, hi], else a moment near the closer end; mostly in waking
    hours."""
    near = min(hi - lo, timedelta(days=2))
    if moment < lo:
        at = lo + near * rnd.random()
    elif moment > hi:
        at = hi - near * rnd.random()
    else:
        at = moment
    at = at.replace(microsecond=0)
    hour = at.astimezone(ctx.tz).hour
    if hour < 8 and rnd.random() < 0.8:
        later = at + timedelta(hours=8 - hour + rnd.uniform(0, 12))
        if later <= hi:
            at = later
    return at


def _values(ctx: _Context, rnd: random.Random, customer: _Customer, order: "_Row | None", course: Course | None):
    lang = customer.language
    money = "{}" if lang == "zh-hans" else "CNY {}"
    paid = order.paid_at if order else None
    expires = (
        order.access_expires_at if order and order.access_expires_at else (paid + timedelta(days=365) if paid else None)
    )
    return {
        "name": customer.name,
        "email": customer.email,
        "course": course.title if course else FALLBACK_COURSE[lang],
        "order": order.number if order else "",
        "amount": money.format(order.amount) if order else "",
        "paid_date": ctx.local_date(paid),
        "refund": "",
        "refund_date": ctx.local_date(order.refunded_at if order else None),
        "expires": ctx.local_date(expires),
        "lesson": rnd.randint(1, max(1, course.lesson_count if course and course.lesson_count else 12)),
        "phone4": f"{rnd.randrange(10_000):04d}",
        "new_phone4": f"{rnd.randrange(10_000):04d}",
        "device": rnd.choice(DEVICES[lang]),
        "teacher": rnd.choice(TEACHERS[lang]),
        "company": rnd.choice(COMPANIES[lang]),
        "tax_id": f"91{rnd.randrange(10**6):06d}MA{rnd.randrange(10**7):07d}{rnd.choice('0123456789X')}",
        "txn": f"{rnd.randrange(10**8):08d}",
        "waybill": f"{rnd.randrange(10**12):012d}",
        "code4": "".join(rnd.choice(CODE_CHARS) for _ in range(4)),
        "ref": rnd.randint(1000, 99_999),
        "minor": rnd.randint(2, 9),
        "n": rnd.randint(2, 6),
        "_money": money,
    }


def _story_make(
    ctx: _Context, i: int, rnd: random.Random, customer: _Customer, requested: set[int], moment: datetime
) -> _Story | None:
    cast = _cast(ctx, rnd, customer, requested, moment)
    if cast is None:
        return None
    category, template, order, (lo, hi) = cast
    created = _when(ctx, rnd, lo, hi, moment)
    course = (
        order.course
        if order is not None
        else rnd.choice(ctx.catalog[customer.language])
        if (template.needs == "catalog")
        else None
    )
    if template.urgent:
        priority = rnd.choices(PRIORITIES, weights=(0, 20, 45, 35))[0]
    else:
        priority = rnd.choices(PRIORITIES, weights=PRIORITY_WEIGHTS[category])[0]
    refundable = template.needs == "refundable"
    channels, weights = zip(*CHANNEL_WEIGHTS, strict=True)
    channel = rnd.choices(channels[:3] if refundable else channels, weights=weights[:3] if refundable else weights)[0]
    if channel == Channel.PHONE:  # calls come while the support line is open
        called = ctx.support_hours.add(created, rnd.uniform(1, 45))
        created, channel = (called, channel) if called <= hi else (created, Channel.WEB)
    elif channel == Channel.CHAT:  # so do chats (outside the hours they become e-mail)
        opened = ctx.support_hours.add(created, rnd.uniform(0.1, 30))
        created, channel = (opened, channel) if opened <= hi else (created, Channel.EMAIL)
    values = _values(ctx, rnd, customer, order, course)
    story = _Story(
        ctx,
        rnd,
        i,
        customer,
        template,
        category,
        order,
        course,
        values,
        created=created,
        priority=priority,
        channel=channel,
    )
    logged_by = rnd.choice(ctx.loggers).pk if channel == Channel.PHONE else None
    story.open(logged_by=logged_by, route=not refundable)
    if refundable:
        refundable_amount = order.amount - order.refunded_amount
        amount = refundable_amount
        if not template.soon and rnd.random() < 0.4:
            amount = max(CENT, (refundable_amount * Decimal(rnd.choice(("0.5", "0.6", "0.7", "0.8")))).quantize(CENT))
        values["refund"] = values["_money"].format(amount)
        story.request_refund(amount)
        requested.add(order.pk)
    return story


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _customers_load(emails: set[str], courses: dict[int, Course]) -> dict[str, _Customer]:
    """The chunk's customers by email, with their orders (oldest number first)."""
    customers = {
        email: _Customer(pk, email, name, language if language in ("zh-hans", "en") else "en", joined, bool(vip))
        for pk, email, name, language, joined, vip in User.objects.filter(_among("email", emails)).values_list(
            "pk", "email", "name", "language", "date_joined", "customer_profile__is_vip"
        )
    }
    by_pk = {c.pk: c for c in customers.values()}
    rows = (
        Order.objects.filter(_among("customer_id", by_pk)).order_by("customer_id", "number").values_list(*ORDER_FIELDS)
    )
    for row in rows:
        order = _Row(**dict(zip(ORDER_FIELDS, row, strict=True)), changed=False)
        order.course = courses[order.course_id]
        by_pk[order.customer_id].orders.append(order)
    return customers


ORDER_FIELDS = (
    "pk",
    "number",
    "customer_id",
    "course_id",
    "amount",
    "currency",
    "status",
    "created_at",
    "paid_at",
    "access_expires_at",
    "refunded_amount",
    "refunded_at",
)


def _existing(count: int) -> bytearray:
    """Which demo indices below ``count`` have a ticket already (one byte each), read in
    one pass over the created events."""
    seen = bytearray(count)
    marked = TicketEvent.objects.filter(type=CREATED, data__has_key="demo").values_list(
        Cast(KeyTextTransform("demo", "data"), IntegerField()), flat=True
    )
    for index in marked.iterator(chunk_size=20_000):
        if index is not None and 0 <= index < count:
            seen[index] = 1
    return seen


def _tickets_chunk(ctx: _Context, indices: list[int], report: TicketSeedReport) -> None:
    plans = []
    for i in indices:
        rnd = random.Random(f"demo-ticket:{ctx.seed}:{i}")
        moment = _moment(ctx, rnd, i)
        plans.append((i, rnd, moment, [ctx.customer_email(k) for k in _candidates(i, rnd, ctx.customers)]))
    customers = _customers_load({email for *_, emails in plans for email in emails}, ctx.courses)
    requested = set(
        RefundRequest.objects.filter(
            _among("order_id", [o.pk for c in customers.values() for o in c.orders])
        ).values_list("order_id", flat=True)
    )
    stories: list[_Story] = []
    for i, rnd, moment, emails in plans:
        found = [customers[email] for email in emails if email in customers]
        joined = [c for c in found if c.joined + timedelta(minutes=30) <= moment]
        customer = joined[0] if joined else min(found, key=lambda c: c.joined, default=None)
        story = _story_make(ctx, i, rnd, customer, requested, moment) if customer is not None else None
        if story is None:
            report.skipped += 1
            continue
        _play(story)
        story.finish()
        stories.append(story)

    messages = [m for s in stories for m in s.messages]
    events = [e for s in stories for e in s.events]
    refunds = [s.refund for s in stories if s.refund is not None]
    ratings = [s.csat for s in stories if s.csat is not None]
    orders = [
        Order(pk=o.pk, refunded_amount=o.refunded_amount, refunded_at=o.refunded_at, status=o.status)
        for c in customers.values()
        for o in c.orders
        if o.changed
    ]
    updated_at = timezone.now()  # what bulk_create's auto_now would write
    with transaction.atomic():
        ticket_ids = _insert(
            Ticket,
            ctx.ticket_columns,
            [[getattr(s.ticket, c) for c in ctx.ticket_columns[:-1]] + [updated_at] for s in stories],
            batch_size=TICKET_BATCH,
        )
        for story, pk in zip(stories, ticket_ids, strict=True):
            story.ticket.id = pk
        message_ids = _insert(
            TicketMessage,
            MESSAGE_COLUMNS,
            [
                (m.ticket.id, m.author_id, m.kind, m.body, m.channel, m.is_automatic, m.from_customer, m.created_at)
                for m in messages
            ],
            batch_size=ROW_BATCH,
        )
        for message, pk in zip(messages, message_ids, strict=True):
            message.id = pk
        _insert(
            TicketEvent,
            EVENT_COLUMNS,
            [
                (
                    e.ticket.id,
                    e.actor_id,
                    e.type,
                    e.data if e.message is None else {**e.data, "message": e.message.id},
                    e.reason,
                    e.created_at,
                )
                for e in events
            ],
            batch_size=EVENT_BATCH,
            ids=False,
        )
        _insert(
            RefundRequest,
            REFUND_COLUMNS,
            [[r.ticket.id] + [getattr(r, c) for c in REFUND_COLUMNS[1:]] for r in refunds],
            batch_size=ROW_BATCH,
            ids=False,
        )
        _insert(
            CSATResponse,
            CSAT_COLUMNS,
            [(r.ticket.id, r.customer_id, r.rating, r.comment, r.created_at) for r in ratings],
            batch_size=ROW_BATCH,
            ids=False,
        )
        Order.objects.bulk_update(orders, ["refunded_amount", "refunded_at", "status"], batch_size=500)
    report.tickets_created += len(stories)
    report.messages_created += len(messages)
    report.events_created += len(events)
    report.refunds_created += len(refunds)
    report.csat_created += len(ratings)


MESSAGE_COLUMNS = ("ticket_id", "author_id", "kind", "body", "channel", "is_automatic", "from_customer", "created_at")
EVENT_COLUMNS = ("ticket_id", "actor_id", "type", "data", "reason", "created_at")
REFUND_COLUMNS = (
    "ticket_id",
    "order_id",
    "amount",
    "reason",
    "status",
    "approved_amount",
    "decided_by_id",
    "decided_at",
    "decision_note",
    "created_at",
)
CSAT_COLUMNS = ("ticket_id", "customer_id", "rating", "comment", "created_at")


def _insert(model: type[Model], columns: tuple[str, ...], rows: list, *, batch_size: int, ids: bool = True):
    """Insert ``rows`` (values of ``columns``, attnames without the id) and return their
    ids (when ``ids``). PostgreSQL: ``COPY`` with ids drawn from the table's sequence first,
    several times faster than ``INSERT``; elsewhere ``bulk_create``."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=batch_size
        )
        return [o.pk for o in objects] if ids else []
    quote = connection.ops.quote_name
    table = model._meta.db_table
    fields = {f.attname: f for f in model._meta.concrete_fields}
    json_at = [i for i, c in enumerate(columns) if isinstance(fields[c], JSONField)]
    names = [fields[c].column for c in columns]
    with connection.cursor() as cursor:
        pks: list[int] = []
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), model._meta.pk.column, len(rows)],
            )
            pks = sorted(pk for (pk,) in cursor.fetchall())
            names.insert(0, model._meta.pk.column)
        sql = f"COPY {quote(table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for k, row in enumerate(rows):
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row((pks[k], *row) if ids else row)
    return pks


def _nps_chunk(ctx: _Context, indices: range, report: TicketSeedReport) -> None:
    """NPS surveys as the daily job offers them (after a purchase, at most once per
    interval) to customers who have none yet; some are answered."""
    emails = {ctx.customer_email(k): k for k in indices}
    users = {
        email: (pk, language)
        for email, pk, language in User.objects.filter(_among("email", emails)).values_list("email", "pk", "language")
    }
    surveyed = set(
        NPSResponse.objects.filter(_among("customer_id", [pk for pk, _ in users.values()])).values_list(
            "customer_id", flat=True
        )
    )
    todo = [pk for pk, _ in users.values() if pk not in surveyed]
    if not todo:
        return
    purchases: dict[int, list[datetime]] = {}
    for customer_id, paid_at in Order.objects.filter(_among("customer_id", todo), paid_at__isnull=False).values_list(
        "customer_id", "paid_at"
    ):
        purchases.setdefault(customer_id, []).append(paid_at)
    rows = []
    for email, k in emails.items():
        pk, language = users.get(email, (None, None))
        if pk is None or pk in surveyed or pk not in purchases:
            continue
        rnd = random.Random(f"demo-nps:{ctx.seed}:{k}")
        lang = "zh-hans" if language == "zh-hans" else "en"
        last: datetime | None = None
        for paid_at in sorted(purchases[pk]):
            run = _daily_job(max(paid_at, ctx.year_ago), ctx.job_tz)
            if last is not None:
                run = max(run, _daily_job(last + ctx.nps_interval, ctx.job_tz))
            if run - paid_at >= ctx.nps_interval:
                continue  # the purchase is too long ago when the customer is next due
            offered = run + timedelta(seconds=rnd.uniform(1, 120))
            if offered > ctx.now:
                break
            last = offered
            row = NPSResponse(customer_id=pk, offered_at=offered)
            answered = offered + timedelta(minutes=rnd.uniform(2, 60 * 24 * 3))
            if rnd.random() < NPS_ANSWER_RATE and answered <= ctx.now:
                row.score = rnd.choices(range(11), weights=NPS_WEIGHTS)[0]
                row.answered_at = answered
                if rnd.random() < 0.55:
                    band = "detractor" if row.score <= 6 else "passive" if row.score <= 8 else "promoter"
                    row.comment = rnd.choice(NPS_COMMENTS[lang][band])
            rows.append(row)
    NPSResponse.objects.bulk_create(rows, batch_size=ROW_BATCH)
    report.nps_created += len(rows)


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(count, start + size))


def demo_tickets_seed(
    *, count: int, customers: int, seed: int, progress: Callable[[str], None] | None = None
) -> TicketSeedReport:
    """Create the demo tickets ``0..count-1`` that do not exist yet, for the demo customers
    ``0..customers-1`` of ``seed`` (seed them first), and NPS surveys for those customers."""
    report = TicketSeedReport()
    if count <= 0 or customers <= 0:
        return report
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    ctx = _Context(seed=seed, customers=customers, now=now)
    existing = _existing(count)
    for chunk in _chunks(count, CHUNK):
        missing = [i for i in chunk if not existing[i]]
        if missing:
            _tickets_chunk(ctx, missing, report)
            if progress:
                progress(f"tickets: {report.tickets_created}")
    for chunk in _chunks(customers, NPS_CHUNK):
        with transaction.atomic():
            _nps_chunk(ctx, chunk, report)
    if progress:
        progress(f"nps: {report.nps_created}")
    return report
