"""Live conversations: start, messages, the bot, the hand-over to a person (or to e-mail),
typing, read receipts, the end and the rating.

Every write on the ticket goes through the tickets services (``ticket_open``,
``ticket_reply``, ``ticket_route``, ``ticket_customer_confirm``, ``ticket_status_set``,
``ticket_fields_update``, ``ticket_escalate``, ``csat_record``), so a chat lives by the
same rules as every other channel. What only the chat needs (typing, read receipts, the
conversation's state) travels as live events: outbox rows written already dispatched,
like presence (``live.services``), so they reach the streams and no consumer.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AgentTier, User
from helpdesk.models import Event, EventVisibility
from kb.autoanswer import triage_record
from kb.search import search_ids
from kb.selectors import articles_visible_by_id
from kb.triage import triage_predict
from live.services import live_event_record, live_events_prune
from tickets.models import BusinessHours, Category, Channel, Priority, Status, Ticket, TicketMessage
from tickets.services import (
    InvalidTransition,
    TicketActionDenied,
    TicketError,
    csat_record,
    notifications_mark_read,
    ticket_customer_confirm,
    ticket_open,
    ticket_reply,
    ticket_route,
    ticket_status_set,
    ticket_transfer,
)
from tickets.services.base import event_log, ticket_lock, ticket_save
from tickets.services.routing import routing_candidates
from tickets.services.sla import calendar_for, policy_for
from tickets.sla_clock import business_minutes_between

from .models import Conversation, ConversationState, key_digest

# Articles the bot offers per answer.
BOT_ARTICLES = 3
# The subject of a chat's ticket: the first question, cut to this many characters.
SUBJECT_CHARS = 80
# Live event types of the chat (public: the customer of the ticket and the desk read them).
TYPING_TYPE = "chat.typing"
READ_TYPE = "chat.read"
STATE_TYPE = "chat.state"
# Typing events are kept this long (hours), then deleted by the nightly prune.
TYPING_KEEP_HOURS = 24


class ChatError(Exception):
    """A chat operation refused, with a message for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _live_event(conversation: Conversation, type: str, *, actor: User | None = None, **payload: object) -> Event:
    return live_event_record(
        type=type,
        visibility=EventVisibility.PUBLIC,
        ticket_id=conversation.ticket_id,
        customer_id=conversation.ticket.customer_id,
        actor_id=actor.pk if actor is not None else None,
        payload=payload,
    )


# ---------------------------------------------------------------------------
# Who answers now
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    open: bool  # within the chat's business hours
    agent: User | None  # the agent routing would choose now

    @property
    def person_available(self) -> bool:
        return self.open and self.agent is not None


def chat_business_hours() -> BusinessHours | None:
    name = settings.HELPDESK_CHAT_BUSINESS_HOURS
    if name:
        return BusinessHours.objects.filter(name=name).first()
    policy = policy_for(Priority.NORMAL)
    return policy.business_hours if policy is not None else None


def chat_is_open(*, now: datetime | None = None) -> bool:
    """Whether ``now`` lies within the chat's business hours (always, without a calendar)."""
    now = now or timezone.now()
    calendar = calendar_for(chat_business_hours())
    if calendar is None:
        return True
    return business_minutes_between(now, now + timedelta(minutes=1), calendar) > 0


def chat_availability(*, tier: int = AgentTier.TIER_1, category_id: int | None = None) -> Availability:
    is_open = chat_is_open()
    # The chat rule (online, a free chat seat), read only: the seat is taken at hand-over.
    candidates = (
        routing_candidates(tier=tier, category_id=category_id, limit=1, channel=Channel.CHAT) if is_open else []
    )
    agent = candidates[0].user if candidates else None
    return Availability(open=is_open, agent=agent)


# ---------------------------------------------------------------------------
# The bot
# ---------------------------------------------------------------------------


def _bot_message(conversation: Conversation, body: str) -> TicketMessage:
    """A public message from the bot (no author, sent automatically) on the conversation's
    ticket, announced like any reply (``tickets.message.created``)."""
    message = TicketMessage.objects.create(
        ticket=conversation.ticket, author=None, body=body, channel=Channel.CHAT, is_automatic=True
    )
    event_log(ticket=conversation.ticket, type="tickets.ticket.auto_answered", message=message.pk)
    return message


def _bot_answer_body(text: str) -> str:
    hits = search_ids(text, limit=BOT_ARTICLES).hits
    articles = articles_visible_by_id(ids=[pk for pk, _score in hits], internal=False)
    found = [articles[pk] for pk, _score in hits if pk in articles]
    base = settings.HELPDESK_SITE_URL
    if not found:
        return _(
            "I could not find an article in the help center that answers this. "
            "Choose “Talk to a person” and an agent will help you."
        )
    lines = [_("These help-center articles may answer your question:"), ""]
    lines += [f"- {article.title}: {base}{reverse('help:article-detail', args=[article.pk])}" for article in found]
    lines += ["", _("If they do not help, choose “Talk to a person”.")]
    return "\n".join(lines)


def _bot_answer(conversation: Conversation, text: str, *, triage: bool) -> TicketMessage:
    """Answer ``text`` from the knowledge base; on the first question, also let the triage
    model set the ticket's category when it is confident and in scope (recorded on the trail
    as the auto-answer does)."""
    ticket = conversation.ticket
    with translation.override(conversation.language):
        message = _bot_message(conversation, _bot_answer_body(text))
    fields: list[str] = []
    if ticket.auto_answered_at is None:
        ticket.auto_answered_at = message.created_at
        fields.append("auto_answered_at")
    if triage:
        prediction = triage_predict(subject=ticket.subject, body=text)
        if prediction is not None:
            triage_record(ticket=ticket, prediction=prediction)
            category = None if prediction.out_of_scope else Category.objects.filter(slug=prediction.label).first()
            if category is not None and ticket.category_id is None:
                ticket.category = category
                fields.append("category")
    if fields:
        ticket_save(ticket, fields)
    return message


# ---------------------------------------------------------------------------
# The customer's side
# ---------------------------------------------------------------------------


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@transaction.atomic
def conversation_start(
    *,
    customer: User,
    message: str,
    language: str,
    identified: bool,
    attachments: Sequence[UploadedFile] = (),
) -> tuple[Conversation, str]:
    """Open a chat: a ticket on the chat channel with the first question, not routed yet
    (the bot answers first), and the bot's answer. Returns the conversation and the
    visitor's key (shown once; only its digest is stored)."""
    message = message.strip()
    if not message and not attachments:
        raise ChatError(_("Write your question first."))
    body = message or _("(files attached)")
    ticket = ticket_open(
        customer=customer,
        subject=" ".join(body.split())[:SUBJECT_CHARS],
        body=body,
        channel=Channel.CHAT,
        attachments=attachments,
        route=False,
    )
    key = secrets.token_urlsafe(32)
    conversation = Conversation.objects.create(
        ticket=ticket, key_digest=key_digest(key), language=_language(language), identified=identified
    )
    ticket = ticket_lock(ticket=ticket)
    conversation.ticket = ticket
    if ticket.assignee_id is not None:
        # An escalation rule (a VIP customer, a complaint) routed it to tier 2 already.
        conversation.state = ConversationState.AGENT
        conversation.handed_over_at = timezone.now()
        conversation.save(update_fields=["state", "handed_over_at", "updated_at"])
    else:
        _bot_answer(conversation, body, triage=True)
    return conversation, key


def _writable(conversation: Conversation) -> None:
    if conversation.state == ConversationState.ENDED:
        raise ChatError(_("This conversation has ended. Start a new one to ask something else."))


@transaction.atomic
def conversation_message(
    *, conversation: Conversation, body: str, attachments: Sequence[UploadedFile] = ()
) -> TicketMessage:
    """The customer writes. While the bot holds the conversation it answers each question."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",)).select_related("ticket__customer").get(pk=conversation.pk)
    )
    _writable(conversation)
    body = body.strip()
    if not body and not attachments:
        raise ChatError(_("The message is empty."))
    ticket = conversation.ticket
    try:
        message = ticket_reply(
            ticket=ticket,
            author=ticket.customer,
            body=body or _("(files attached)"),
            channel=Channel.CHAT,
            attachments=attachments,
        )
    except (TicketError, TicketActionDenied) as exc:
        raise ChatError(str(exc)) from exc
    if conversation.state == ConversationState.BOT and body:
        conversation.ticket = ticket_lock(ticket=ticket)
        _bot_answer(conversation, body, triage=False)
    return message


@transaction.atomic
def conversation_hand_over(*, conversation: Conversation) -> Conversation:
    """“Talk to a person” (转人工): within business hours and with an agent available, routing
    assigns the ticket to one and the conversation goes on with them; otherwise the ticket
    stays in the queue, answered by e-mail (the customer gets the usual notifications with
    their sign-in link). Idempotent: a conversation past the bot is returned unchanged."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",)).select_related("ticket__customer").get(pk=conversation.pk)
    )
    _writable(conversation)
    if conversation.state != ConversationState.BOT:
        return conversation
    ticket = ticket_lock(ticket=conversation.ticket)
    conversation.ticket = ticket
    now = timezone.now()
    assignee = ticket_route(ticket=ticket, reason="chat hand-over") if chat_is_open(now=now) else None
    with translation.override(conversation.language):
        if assignee is not None:
            conversation.state = ConversationState.AGENT
            text = _("%(name)s will answer you here in a moment.") % {"name": assignee.name or _("An agent")}
        else:
            conversation.state = ConversationState.EMAIL
            text = _(
                "No agent can answer live right now. Your question is saved as request %(reference)s: "
                "we will answer by e-mail at %(email)s, and you can follow it in the help center."
            ) % {"reference": ticket.reference, "email": ticket.customer.email}
        _bot_message(conversation, text)
    conversation.handed_over_at = now
    conversation.save(update_fields=["state", "handed_over_at", "updated_at"])
    _live_event(conversation, STATE_TYPE, state=conversation.state)
    return conversation


def conversation_typing(*, conversation: Conversation, actor: User | None, by_customer: bool) -> Event:
    """Someone is typing (the widget and the console repeat it while typing)."""
    return _live_event(
        conversation, TYPING_TYPE, actor=actor, side="customer" if by_customer else "agent", state="typing"
    )


def chat_typing_prune(*, now: datetime | None = None) -> int:
    """Delete typing events older than ``TYPING_KEEP_HOURS``. Idempotent."""
    return live_events_prune(types=(TYPING_TYPE,), keep_hours=TYPING_KEEP_HOURS, now=now)


@transaction.atomic
def conversation_read(
    *, conversation: Conversation, upto: int, by_customer: bool, actor: User | None = None
) -> Conversation:
    """A read receipt: one side has seen the messages up to ``upto`` (a message pk of the
    ticket). Only moves forward; nothing is recorded when nothing changed."""
    conversation = Conversation.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=conversation.pk)
    upto = (
        TicketMessage.objects.filter(ticket_id=conversation.ticket_id, pk__lte=upto)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
    field = "customer_read_upto" if by_customer else "agent_read_upto"
    if by_customer:
        # what the customer read here needs no mail (tickets.email: a chat's mails wait)
        notifications_mark_read(recipient_id=conversation.ticket.customer_id, ticket_id=conversation.ticket_id)
    if upto <= getattr(conversation, field):
        return conversation
    setattr(conversation, field, upto)
    conversation.save(update_fields=[field, "updated_at"])
    _live_event(conversation, READ_TYPE, actor=actor, side="customer" if by_customer else "agent", upto=upto)
    return conversation


def _end(conversation: Conversation) -> None:
    conversation.state = ConversationState.ENDED
    conversation.ended_at = timezone.now()
    conversation.save(update_fields=["state", "ended_at", "updated_at"])
    _live_event(conversation, STATE_TYPE, state=conversation.state)


@transaction.atomic
def conversation_end_by_customer(*, conversation: Conversation) -> Conversation:
    """The customer ends the chat. A chat answered by the bot or an agent is resolved (the
    customer's “solved”: a chat the bot alone answered counts as deflected); one handed to
    e-mail stays open for the agents. Ending twice changes nothing."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",)).select_related("ticket__customer").get(pk=conversation.pk)
    )
    if conversation.state == ConversationState.ENDED:
        return conversation
    ticket = conversation.ticket
    if conversation.state != ConversationState.EMAIL and ticket.is_active:
        try:
            with transaction.atomic():
                ticket_customer_confirm(ticket=ticket, customer=ticket.customer, solved=True)
        except InvalidTransition:
            pass  # a complaint waits for the agents' written resolution
        ticket.refresh_from_db()
    _end(conversation)
    return conversation


@transaction.atomic
def conversation_end_by_agent(*, conversation: Conversation, agent: User, resolution: str = "") -> Conversation:
    """The agent ends the chat and resolves its ticket (complaints need ``resolution``)."""
    conversation = Conversation.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=conversation.pk)
    if conversation.state == ConversationState.ENDED:
        return conversation
    ticket = conversation.ticket
    if ticket.status in (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD):
        ticket_status_set(
            ticket=ticket, actor=agent, status=Status.RESOLVED, reason="chat ended", resolution=resolution or None
        )
        ticket.refresh_from_db()
    _end(conversation)
    return conversation


def conversation_rate(*, conversation: Conversation, rating: int, comment: str = "") -> None:
    """The rating at the end of the chat is the ticket's CSAT (once, when resolved)."""
    ticket = conversation.ticket
    csat_record(ticket=ticket, customer=ticket.customer, rating=rating, comment=comment)


# ---------------------------------------------------------------------------
# The agent's side
# ---------------------------------------------------------------------------


def conversation_reply(
    *, conversation: Conversation, agent: User, body: str, attachments: Sequence[UploadedFile] = ()
) -> TicketMessage:
    """The agent answers in the chat (a public reply on the ticket). An agent answering a
    conversation still with the bot, or handed to e-mail, takes it over live."""
    _writable(conversation)
    with transaction.atomic():
        message = ticket_reply(
            ticket=conversation.ticket, author=agent, body=body, channel=Channel.CHAT, attachments=attachments
        )
        if conversation.state != ConversationState.AGENT:
            Conversation.objects.filter(pk=conversation.pk).update(
                state=ConversationState.AGENT, handed_over_at=timezone.now()
            )
            conversation.state = ConversationState.AGENT
            _live_event(conversation, STATE_TYPE, state=conversation.state)
    return message


def conversation_transfer(
    *, conversation: Conversation, agent: User, to_agent: User | None = None, tier2_reason: str = ""
) -> Ticket:
    """Hand the chat to another agent (online, of the ticket's tier, with a free chat seat:
    else ``TransferError`` / ``ChatCapacityFull`` say why) or to tier 2 (the escalation,
    which routes it to a tier-2 agent)."""
    _writable(conversation)
    if to_agent is not None:
        return ticket_transfer(ticket=conversation.ticket, actor=agent, to_agent=to_agent)
    return ticket_transfer(ticket=conversation.ticket, actor=agent, to_tier2=True, reason=tier2_reason)
