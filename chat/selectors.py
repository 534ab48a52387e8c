"""Reads of live conversations: the visitor's own conversation (by its key), its messages,
and the desk's chat lists (by the acting agent)."""

from django.core import signing
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from tickets.models import ACTIVE_STATUSES, Attachment, Channel, MessageKind, TicketMessage
from tickets.permissions import is_desk_user

from .models import Conversation, ConversationState

# Signed, short-lived links the frame uses where it cannot send a header: the event stream
# (EventSource) and files (img src, downloads). Seconds.
STREAM_LINK_SECONDS = 12 * 3600
FILE_LINK_SECONDS = 3600
STREAM_SALT = "chat.stream"
FILE_SALT = "chat.file"


def conversation_get_by_token(*, token: str) -> Conversation | None:
    """The conversation whose visitor holds ``token`` (``<id>.<key>``), or None: a visitor
    only ever reaches their own conversation."""
    pk, _sep, key = (token or "").partition(".")
    if not pk.isdigit() or not key:
        return None
    conversation = Conversation.objects.select_related("ticket__customer").filter(pk=int(pk)).first()
    if conversation is None or not conversation.key_matches(key):
        return None
    return conversation


def conversation_messages(*, conversation: Conversation, after: int = 0) -> list[TicketMessage]:
    """The conversation's public messages after ``after`` (a message pk), oldest first, with
    their authors and files (three queries, however many)."""
    return list(
        TicketMessage.objects.filter(ticket_id=conversation.ticket_id, kind=MessageKind.REPLY, pk__gt=after)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("pk")
    )


def stream_link_token(conversation: Conversation) -> str:
    return signing.dumps(conversation.pk, salt=STREAM_SALT)


def stream_link_read(value: str) -> int | None:
    try:
        pk = signing.loads(value, salt=STREAM_SALT, max_age=STREAM_LINK_SECONDS)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def file_link_token(*, conversation: Conversation, attachment_id: int) -> str:
    return signing.dumps([conversation.pk, attachment_id], salt=FILE_SALT)


def file_link_read(value: str) -> tuple[int, int] | None:
    try:
        data = signing.loads(value, salt=FILE_SALT, max_age=FILE_LINK_SECONDS)
    except signing.BadSignature:
        return None
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(v, int) for v in data)):
        return None
    return data[0], data[1]


def attachment_get_for_conversation(*, conversation_id: int, attachment_id: int) -> Attachment | None:
    """A file of a public message of the conversation's ticket, or None."""
    return (
        Attachment.objects.select_related("message")
        .filter(
            pk=attachment_id,
            message__kind=MessageKind.REPLY,
            message__ticket__conversation__pk=conversation_id,
        )
        .first()
    )


def conversation_list_for_agent(*, actor: User) -> QuerySet[Conversation]:
    """The desk's chat console: the agent's open conversations (assigned to them, with the
    bot or with a person), newest first. Desk users only."""
    if not is_desk_user(actor):
        return Conversation.objects.none()
    return (
        Conversation.objects.filter(
            ticket__channel=Channel.CHAT,
            ticket__status__in=ACTIVE_STATUSES,
            state__in=[ConversationState.AGENT, ConversationState.BOT],
            ticket__assignee=actor,
        )
        .select_related("ticket__customer", "ticket__assignee")
        .order_by("-updated_at", "-pk")
    )


def conversation_get_for_agent(*, actor: User, ticket_id: int) -> Conversation | None:
    if not is_desk_user(actor):
        return None
    return (
        Conversation.objects.select_related("ticket__customer", "ticket__assignee", "ticket__category")
        .filter(ticket_id=ticket_id)
        .first()
    )
