"""A ticket's life: open, reply or note, status changes, field changes, merge.

Every channel (help-center form, desk, API, phone log, email) opens tickets with
``ticket_open`` and adds messages with ``ticket_reply``.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, AgentTier, Course, Order, User
from helpdesk.events import events_batched
from helpdesk.precompiled import rows_insert

from ..models import (
    Attachment,
    Category,
    Channel,
    MessageKind,
    Notification,
    Priority,
    Status,
    Ticket,
    TicketMessage,
)
from ..permissions import can_act_on_ticket, can_act_on_tier, is_desk_user
from .base import TrailEntry, event_log, event_log_many, ticket_lock, ticket_save
from .errors import ComplaintNeedsResolution, InvalidTransition, TicketActionDenied, TicketConflict, TicketError
from .escalation import COMPLAINT, EscalationRule, escalation_rule_matching, escalation_rules_apply
from .notifications import managers, notifications_add, notify
from .routing import routing_choose, ticket_assign_locked
from .sla import sla_due_set, sla_pause, sla_resume

# Which status may follow which. ``new`` is only ever the first status.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.RESOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.RESOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.RESOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def _attachments_check(files: Sequence[UploadedFile]) -> None:
    """Refuse a file over the size limit, before anything is written."""
    limit = settings.HELPDESK_ATTACHMENT_MAX_BYTES
    for upload in files:
        if upload.size is not None and upload.size > limit:
            raise TicketError(
                _("%(name)s is larger than the limit of %(limit)s.")
                % {"name": upload.name, "limit": filesizeformat(limit)}
            )


def _attachments_add(message: TicketMessage, files: Sequence[UploadedFile]) -> None:
    """Store the files on the message; its ``attachments`` are then read without a query."""
    _attachments_check(files)
    stored = []
    for upload in files:
        stored.append(
            Attachment.objects.create(
                message=message,
                file=upload,
                name=(upload.name or "file")[:255],
                size=upload.size or 0,
                content_type=(getattr(upload, "content_type", "") or "")[:100],
            )
        )
    # What prefetch_related("attachments") would have left on the message.
    cached = Attachment.objects.none()
    cached._result_cache, cached._prefetch_done = stored, True
    message._prefetched_objects_cache = {"attachments": cached}


def _status_change_locked(
    *, ticket: Ticket, status: str, actor: User | None, reason: str = "", resolution: str | None = None
) -> list[str]:
    """Move a locked ticket to ``status``; returns the changed fields (not yet saved)."""
    current = ticket.status
    if status == current:
        return []
    if status not in TRANSITIONS[current]:
        raise InvalidTransition(
            _("A ticket cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(current).label, "to": Status(status).label}
        )
    now = timezone.now()
    fields = ["status"]
    if resolution is not None and resolution.strip():
        ticket.resolution = resolution.strip()
        fields.append("resolution")
    if status == Status.RESOLVED:
        if ticket.category is not None and ticket.category.slug == COMPLAINT and not ticket.resolution.strip():
            raise ComplaintNeedsResolution
        ticket.resolved_at = now
        fields.append("resolved_at")
    if status == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    if current == Status.PENDING:
        fields += sla_resume(ticket, at=now)
    if status == Status.PENDING:
        fields += sla_pause(ticket, at=now)
    ticket.status = status
    event_log(
        ticket=ticket,
        type="tickets.ticket.status_changed",
        actor=actor,
        reason=reason,
        **{"from": current, "to": status},
    )
    return fields


def ticket_open(
    *,
    customer: User,
    subject: str,
    body: str,
    channel: str = Channel.WEB,
    category: Category | None = None,
    priority: str = Priority.NORMAL,
    order: Order | None = None,
    course: Course | None = None,
    logged_by: User | None = None,
    attachments: Sequence[UploadedFile] = (),
    route: bool = True,
) -> Ticket:
    """Open a ticket with its first message, on any channel.

    ``logged_by`` is the agent who logs a phone call for the customer. Computes the SLA
    due times, applies the automatic escalation rules and routes the ticket.
    """
    if order is not None and order.customer_id != customer.pk:
        raise TicketError(_("The order does not belong to this customer."))
    if logged_by is not None and not is_desk_user(logged_by):
        raise TicketActionDenied(_("Only agents can log a ticket for a customer."))
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise TicketError(_("A ticket needs a subject and a message."))
    _attachments_check(attachments)
    return _ticket_open_checked(
        customer=customer,
        subject=subject,
        body=body,
        channel=channel,
        category=category,
        priority=priority,
        order=order,
        course=course,
        logged_by=logged_by,
        attachments=attachments,
        route=route,
    )


# Every refusal is decided above, before anything is written, so the writes need no
# savepoint of their own inside a caller's transaction (the form's and the API's hold the
# customer too): two statements fewer per ticket. An error in here is the database's, and
# the caller's transaction rolls back with it.
@transaction.atomic(savepoint=False)
@events_batched()
def _ticket_open_checked(
    *,
    customer: User,
    subject: str,
    body: str,
    channel: str,
    category: Category | None,
    priority: str,
    order: Order | None,
    course: Course | None,
    logged_by: User | None,
    attachments: Sequence[UploadedFile],
    route: bool,
) -> Ticket:
    ticket = Ticket(
        customer=customer,
        subject=subject[:200],
        channel=channel,
        category=category,
        priority=priority,
        order=order,
        course=course or (order.course if order is not None else None),
    )
    sla_due_set(ticket)  # from created_at, set when the row is built: one INSERT, no UPDATE
    # The escalation rules and routing decide before the INSERT, so the row is written once
    # with its tier and assignee, and the trail and notifications go in one INSERT each.
    rule = escalation_rule_matching(ticket)
    if rule is not None:
        ticket.tier = AgentTier.TIER_2
        ticket.escalated_at = ticket.created_at
    assignee = (
        routing_choose(tier=ticket.tier, category_id=ticket.category_id, channel=channel) if route or rule else None
    )
    ticket.assignee = assignee
    # The INSERTs of a new ticket are compiled once (helpdesk.precompiled): no model signals.
    rows_insert([ticket])
    message = TicketMessage(
        ticket=ticket, author=logged_by or customer, body=body, channel=channel, from_customer=logged_by is None
    )
    rows_insert([message])
    _attachments_add(message, attachments)
    ticket.first_message = message  # for an answer that shows the new ticket (the API's 201)
    trail = [TrailEntry(type="tickets.ticket.created", actor=logged_by or customer, data={"channel": channel})]
    notifications = [Notification(recipient=customer, type="tickets.ticket.received", ticket=ticket)]
    if rule is not None:
        reason = str(EscalationRule(rule).label)
        escalated = {"rule": rule, "from": AgentTier.TIER_1, "to": AgentTier.TIER_2}
        trail.append(TrailEntry(type="tickets.ticket.escalated", reason=reason, data=escalated))
        if assignee is None:  # no tier-2 agent free: managers must know
            notifications += [
                Notification(recipient=m, type="tickets.ticket.escalated", ticket=ticket, data={"reason": reason})
                for m in managers()
            ]
    if assignee is not None:
        assigned = {"from": None, "to": assignee.pk, "automatic": True}
        trail.append(TrailEntry(type="tickets.ticket.assigned", reason=reason if rule else "", data=assigned))
        AgentProfile.objects.filter(user=assignee).update(last_assigned_at=timezone.now())
        notifications.append(Notification(recipient=assignee, type="tickets.ticket.assigned", ticket=ticket))
    event_log_many(ticket=ticket, entries=trail)
    notifications_add(rows=notifications, ticket=ticket)
    # Smart answers (kb) consume the "created" event after commit, in a worker.
    return ticket


@transaction.atomic
def ticket_auto_answer_send(*, ticket: Ticket, body: str, category: Category | None = None) -> TicketMessage | None:
    """Send the automatic answer (articles that may solve it) on a new ticket and wait on
    the customer: the ticket becomes ``pending`` (the SLA clock pauses) and records
    ``auto_answered_at``. ``category`` is set when the ticket had none. Idempotent: a ticket
    answered already, or no longer new, gets nothing (returns None)."""
    ticket = ticket_lock(ticket=ticket)
    if ticket.auto_answered_at is not None or ticket.status != Status.NEW:
        return None
    message = TicketMessage.objects.create(
        ticket=ticket, author=None, body=body.strip(), channel=ticket.channel, is_automatic=True
    )
    event_log(ticket=ticket, type="tickets.ticket.auto_answered", message=message.pk)
    ticket.auto_answered_at = message.created_at
    fields = ["auto_answered_at"]
    if category is not None and ticket.category_id is None:
        ticket.category = category
        fields.append("category")
    fields += _status_change_locked(ticket=ticket, status=Status.PENDING, actor=None, reason="auto-answer")
    ticket_save(ticket, fields)
    notify(recipient=ticket.customer, type="tickets.ticket.agent_replied", ticket=ticket)
    return message


@transaction.atomic
@events_batched()
def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    status: str | None = None,
    attachments: Sequence[UploadedFile] = (),
    channel: str = Channel.WEB,
    automatic: bool = False,
    expected_version: int | None = None,
) -> TicketMessage:
    """Add a public reply or an internal note.

    A customer's reply reopens a resolved ticket (counted; reopening twice escalates) and
    restarts a paused clock. An agent's first public reply is the first response; agents
    may set a status with their reply (default: ``new`` becomes ``open``).
    """
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    body = body.strip()
    if not body:
        raise TicketError(_("The message is empty."))
    by_customer = author.pk == ticket.customer_id and not is_desk_user(author)
    if by_customer:
        if internal or status is not None:
            raise TicketActionDenied(_("Customers can only reply."))
        if ticket.status == Status.CLOSED or ticket.merged_into_id:
            raise InvalidTransition(_("This ticket is closed. Please open a new one."))
    elif not can_act_on_ticket(author, ticket):
        raise TicketActionDenied(_("You may not act on this ticket."))

    message = TicketMessage.objects.create(
        ticket=ticket,
        author=author,
        kind=MessageKind.NOTE if internal else MessageKind.REPLY,
        body=body,
        channel=channel,
        is_automatic=automatic,
        from_customer=by_customer,
    )
    _attachments_add(message, attachments)
    event_log(
        ticket=ticket,
        type="tickets.ticket.noted" if internal else "tickets.ticket.replied",
        actor=author,
        message=message.pk,
    )
    fields: list[str] = []
    if by_customer:
        if ticket.status == Status.RESOLVED:
            ticket.reopen_count += 1
            fields += ["reopen_count"]
            event_log(ticket=ticket, type="tickets.ticket.reopened", actor=author, count=ticket.reopen_count)
            fields += _status_change_locked(ticket=ticket, status=Status.OPEN, actor=author)
        elif ticket.status in (Status.PENDING, Status.NEW):
            fields += _status_change_locked(ticket=ticket, status=Status.OPEN, actor=author)
        if ticket.assignee_id:
            notify(recipient=ticket.assignee, type="tickets.ticket.customer_replied", ticket=ticket)
    else:
        if not internal and not automatic and ticket.first_responded_at is None:
            ticket.first_responded_at = message.created_at
            fields.append("first_responded_at")
        target = status or (Status.OPEN if ticket.status == Status.NEW and not internal else None)
        if target:
            fields += _status_change_locked(ticket=ticket, status=target, actor=author)
        if not internal:
            notify(recipient=ticket.customer, type="tickets.ticket.agent_replied", ticket=ticket, message=message.pk)
    ticket_save(ticket, fields)
    if by_customer and "reopen_count" in fields:
        escalation_rules_apply(ticket=ticket)
    return message


@transaction.atomic
def ticket_status_set(
    *,
    ticket: Ticket,
    actor: User,
    status: str,
    reason: str = "",
    resolution: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """An agent changes the status. Complaints need a written resolution to be resolved."""
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if not can_act_on_ticket(actor, ticket):
        raise TicketActionDenied(_("You may not act on this ticket."))
    fields = _status_change_locked(ticket=ticket, status=status, actor=actor, reason=reason, resolution=resolution)
    if fields:
        ticket_save(ticket, fields)
        if status == Status.RESOLVED:
            notify(recipient=ticket.customer, type="tickets.ticket.resolved", ticket=ticket)
        else:
            notify(recipient=ticket.customer, type="tickets.ticket.status_changed", ticket=ticket, status=status)
    return ticket


@transaction.atomic
def ticket_customer_confirm(*, ticket: Ticket, customer: User, solved: bool) -> Ticket:
    """The customer's "solved" / "not solved". Solved resolves an active ticket and closes a
    resolved one; not solved reopens a resolved ticket or brings a pending one back to the
    queue (the paused clock resumes, so no time is lost)."""
    ticket = ticket_lock(ticket=ticket)
    if ticket.customer_id != customer.pk:
        raise TicketActionDenied(_("You may not act on this ticket."))
    fields: list[str] = []
    if solved:
        if ticket.is_active and ticket.category is not None and ticket.category.slug == COMPLAINT:
            raise InvalidTransition(
                _("Thank you. A complaint is closed by our team with a written resolution; we will reply soon.")
            )
        if ticket.is_active:
            fields += _status_change_locked(ticket=ticket, status=Status.RESOLVED, actor=customer)
            if ticket.auto_answered_at is not None and ticket.first_responded_at is None:
                # The automatic answer solved it without an agent: a deflection.
                ticket.deflected_at = ticket.resolved_at
                fields.append("deflected_at")
                event_log(ticket=ticket, type="tickets.ticket.deflected", actor=customer)
        elif ticket.status == Status.RESOLVED:
            fields += _status_change_locked(ticket=ticket, status=Status.CLOSED, actor=customer)
    elif ticket.status == Status.RESOLVED:
        ticket.reopen_count += 1
        fields.append("reopen_count")
        event_log(ticket=ticket, type="tickets.ticket.reopened", actor=customer, count=ticket.reopen_count)
        fields += _status_change_locked(ticket=ticket, status=Status.OPEN, actor=customer)
    elif ticket.status == Status.PENDING:
        fields += _status_change_locked(ticket=ticket, status=Status.OPEN, actor=customer)
    if ticket.status == Status.CLOSED and not fields:
        raise InvalidTransition(_("This ticket is closed. Please open a new one."))
    if fields:  # "not solved" on a ticket we are still working on changes nothing
        ticket_save(ticket, fields)
    if "reopen_count" in fields:
        escalation_rules_apply(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_fields_update(
    *,
    ticket: Ticket,
    actor: User,
    expected_version: int | None = None,
    priority: str | None = None,
    category: Category | None = None,
    assignee: User | None = None,
    unassign: bool = False,
) -> Ticket:
    """Change priority, category or assignee. A new priority recomputes the SLA due times; a
    new category may trigger an escalation rule (complaint)."""
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if not can_act_on_ticket(actor, ticket):
        raise TicketActionDenied(_("You may not act on this ticket."))
    fields: list[str] = []
    if priority is not None and priority != ticket.priority:
        event_log(
            ticket=ticket,
            type="tickets.ticket.priority_changed",
            actor=actor,
            **{"from": ticket.priority, "to": priority},
        )
        ticket.priority = priority
        fields += ["priority", *sla_due_set(ticket)]
    category_changed = category is not None and category.pk != ticket.category_id
    if category_changed:
        event_log(
            ticket=ticket,
            type="tickets.ticket.category_changed",
            actor=actor,
            **{"from": ticket.category_id, "to": category.pk},
        )
        ticket.category = category
        fields.append("category")
    if fields:
        ticket_save(ticket, fields)
    if assignee is not None or unassign:
        if assignee is not None and not can_act_on_tier(assignee, ticket.tier):
            raise TicketActionDenied(_("%(name)s cannot work tickets of this tier.") % {"name": assignee})
        ticket_assign_locked(ticket=ticket, assignee=assignee, actor=actor)
    if category_changed:
        escalation_rules_apply(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    """Merge a duplicate into another ticket of the same customer: its messages move to the
    target (with a note saying so) and the duplicate is closed, pointing at the target."""
    if source.pk == target.pk:
        raise InvalidTransition(_("A ticket cannot be merged into itself."))
    first, second = sorted([source.pk, target.pk])  # lock in a fixed order: no deadlock
    locked = {pk: ticket_lock(ticket=pk) for pk in (first, second)}
    source, target = locked[source.pk], locked[target.pk]
    if expected_version is not None and source.version != expected_version:
        raise TicketConflict
    if not (can_act_on_ticket(actor, source) and can_act_on_ticket(actor, target)):
        raise TicketActionDenied(_("You may not act on these tickets."))
    if source.customer_id != target.customer_id:
        raise InvalidTransition(_("Only tickets of the same customer can be merged."))
    if source.merged_into_id or not target.is_active and target.status != Status.RESOLVED:
        raise InvalidTransition(_("These tickets cannot be merged any more."))
    moved = TicketMessage.objects.filter(ticket=source).update(ticket=target)
    TicketMessage.objects.create(
        ticket=target,
        author=actor,
        kind=MessageKind.NOTE,
        body=_("Merged %(source)s (“%(subject)s”) into this ticket.")
        % {"source": source.reference, "subject": source.subject},
    )
    event_log(ticket=target, type="tickets.ticket.merged", actor=actor, source=source.pk, messages=moved)
    fields = ["merged_into"]
    source.merged_into = target
    if source.status != Status.CLOSED:
        if source.status != Status.RESOLVED:
            source.status = Status.RESOLVED
            source.resolved_at = timezone.now()
            fields += ["status", "resolved_at"]
        fields += _status_change_locked(
            ticket=source,
            status=Status.CLOSED,
            actor=actor,
            reason=_("Merged into %(target)s") % {"target": target.reference},
        )
    ticket_save(source, fields)
    event_log(ticket=source, type="tickets.ticket.merged_into", actor=actor, target=target.pk)
    if target.status == Status.RESOLVED:
        ticket_save(target, _status_change_locked(ticket=target, status=Status.OPEN, actor=actor))
    else:
        ticket_save(target, [])
    return target


def tickets_close_resolved(*, now: datetime | None = None) -> int:
    """Close tickets resolved more than HELPDESK_CLOSE_RESOLVED_AFTER_DAYS ago. Idempotent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.HELPDESK_CLOSE_RESOLVED_AFTER_DAYS)
    closed = 0
    for pk in list(Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff).values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = ticket_lock(ticket=pk)
            if ticket.status != Status.RESOLVED:
                continue
            ticket_save(
                ticket,
                _status_change_locked(
                    ticket=ticket, status=Status.CLOSED, actor=None, reason=_("Closed automatically after resolution.")
                ),
            )
            closed += 1
    return closed
