"""The widget's side: ``/chat/widget.js`` (the one script tag on the platform's pages), the
frame it embeds (``/chat/frame/``, our origin, isolated from the host page) and the JSON
endpoints the frame calls.

The frame lives in a third-party iframe, where browsers withhold our cookies: the visitor
is identified by their conversation's key, sent in the ``X-Chat-Token`` header, never by a
cookie. With no ambient credential there is nothing for a cross-site request to borrow,
so these endpoints need no CSRF token. Where a header cannot be sent (EventSource, an
``img src``) the frame uses short-lived signed links instead.
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from accounts.services import NotACustomerError, customer_get_or_create
from helpdesk.throttle import client_ip, rate_add
from integrations.services.sso import SsoError, sso_customer_sign_in
from live.access import Reader, Subscription
from live.hub import LiveStreamResponse, last_event_id
from live.views import _close_request_connections
from tickets.models import CSATResponse, Status, TicketMessage
from tickets.services import SurveyError, TicketActionDenied

from ..models import Conversation, ConversationState
from ..selectors import (
    attachment_get_for_conversation,
    conversation_get_by_token,
    conversation_messages,
    file_link_read,
    file_link_token,
    stream_link_read,
    stream_link_token,
)
from ..services import (
    ChatError,
    chat_availability,
    conversation_end_by_customer,
    conversation_hand_over,
    conversation_message,
    conversation_rate,
    conversation_read,
    conversation_start,
    conversation_typing,
)

STATIC = Path(__file__).resolve().parents[1] / "static" / "chat"
# Images shown in the conversation; any other file is a download.
INLINE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def allowed_origins() -> list[str]:
    return [origin.rstrip("/") for origin in settings.HELPDESK_CHAT_ALLOWED_ORIGINS if origin]


WIDGET_TEXTS = re.compile(r"^  var TEXTS = .*;$", re.MULTILINE)


def _launcher_texts() -> dict[str, dict[str, str]]:
    """The launcher's words in each language the widget picks between, from the catalogue."""
    texts = {}
    for key, language in (("zh", "zh-hans"), ("en", "en")):
        with translation.override(language):
            texts[key] = {
                "label": pgettext("chat launcher button", "Chat with us"),
                "title": pgettext("widget title", "Live chat"),
            }
    return texts


@cache
def _widget_source() -> bytes:
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    texts = json.dumps(_launcher_texts(), ensure_ascii=False)
    source, replaced = WIDGET_TEXTS.subn(lambda _match: f"  var TEXTS = {texts};", source, count=1)
    if not replaced:
        raise ImproperlyConfigured("chat/static/chat/widget.js no longer declares its TEXTS.")
    return source.encode()


def widget_script(request: HttpRequest) -> HttpResponse:
    """``GET /chat/widget.js`` at a stable address (the platform's pages cannot follow the
    hashed static names); cached by browsers for five minutes."""
    response = HttpResponse(_widget_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _frame_language(request: HttpRequest) -> str:
    """The platform's language (``?lang=``: zh, zh-CN, en…), else the browser's."""
    wanted = (request.GET.get("lang") or "").lower()
    if wanted.startswith("zh"):
        return "zh-hans"
    if wanted.startswith("en"):
        return "en"
    return translation.get_language_from_request(request)


def _frame_texts() -> dict[str, str]:
    """What the frame's script says, in the active language."""
    return {
        "bot": _("Assistant"),
        "agent": _("Agent"),
        "you": _("You"),
        "sent": _("Sent"),
        "read": _("Read"),
        "typing": _("%(name)s is typing…"),
        "someone": _("The agent"),
        "waiting_bot": _("The assistant answers from the help center. Choose “Talk to a person” at any time."),
        "with_agent": _("You are talking with a person."),
        "by_email": _("We will answer by e-mail at %(email)s (request %(reference)s)."),
        "ended": _("This conversation has ended."),
        "no_person": _(
            "No agent is available right now: choosing “Talk to a person” saves your question and we answer by e-mail."
        ),
        "thanks": _("Thank you for your rating."),
        "error": _("Something went wrong. Please try again."),
        "offline": _("Connection lost. Reconnecting…"),
        "too_big": _("%(name)s is larger than the limit."),
        "signed_in": _("You are signed in from the course platform."),
        "new_message": _("New message"),
    }


def frame(request: HttpRequest) -> HttpResponse:
    """``GET /chat/frame/``: the conversation, embeddable by the platform's origins only."""
    language = _frame_language(request)
    origins = allowed_origins()
    with translation.override(language):
        response = render(
            request,
            "chat/frame.html",
            {
                "language": language,
                "texts": _frame_texts(),
                "config": {
                    "api": reverse("chat:api-conversation").rsplit("/", 2)[0] + "/",
                    "origins": origins,
                    "language": language,
                    "max_bytes": settings.HELPDESK_ATTACHMENT_MAX_BYTES,
                },
            },
        )
    response.xframe_options_exempt = True
    response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF, *origins]}
    return response


# ---------------------------------------------------------------------------
# JSON endpoints of the frame
# ---------------------------------------------------------------------------


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _int(value: object, default: int | None = 0) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return None


def message_json(message: TicketMessage, conversation: Conversation) -> dict[str, Any]:
    if message.from_customer:
        side, name = "customer", ""
    elif message.author_id is None:
        side, name = "bot", ""
    else:
        side, name = "agent", message.author.name
    files = [
        {
            "name": attachment.name,
            "size": attachment.size,
            "image": attachment.content_type in INLINE_IMAGES,
            "url": reverse("chat:api-file")
            + "?f="
            + file_link_token(conversation=conversation, attachment_id=attachment.pk),
        }
        for attachment in message.attachments.all()
    ]
    return {
        "id": message.pk,
        "side": side,
        "name": name,
        "body": message.body,
        "at": message.created_at.isoformat(),
        "files": files,
    }


def conversation_json(conversation: Conversation, *, after: int = 0) -> dict[str, Any]:
    ticket = conversation.ticket
    rated = CSATResponse.objects.filter(ticket_id=ticket.pk).exists()
    data: dict[str, Any] = {
        # The stream starts after this event: nothing between this read and it is lost.
        "event": last_event_id(),
        "state": conversation.state,
        "reference": ticket.reference,
        "email": ticket.customer.email,
        "messages": [
            message_json(m, conversation) for m in conversation_messages(conversation=conversation, after=after)
        ],
        "read": {"customer": conversation.customer_read_upto, "agent": conversation.agent_read_upto},
        "stream": reverse("chat:api-stream") + "?s=" + stream_link_token(conversation),
        "rated": rated,
        "can_rate": not rated and ticket.status in (Status.RESOLVED, Status.CLOSED) and not ticket.merged_into_id,
    }
    if conversation.state == ConversationState.BOT:
        data["person_available"] = chat_availability(tier=ticket.tier, category_id=ticket.category_id).person_available
    return data


@method_decorator(csrf_exempt, name="dispatch")
class ChatApiView(View):
    """Base of the frame's endpoints: the conversation comes from the ``X-Chat-Token``
    header; without a valid one, 403."""

    http_method_names = ["post"]
    needs_conversation = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.conversation: Conversation | None = None
        if self.needs_conversation:
            self.conversation = conversation_get_by_token(token=request.headers.get("X-Chat-Token", ""))
            if self.conversation is None:
                return _error(_("This conversation is not yours or no longer exists."), status=403)
            translation.activate(self.conversation.language)
        try:
            return super().dispatch(request, *args, **kwargs)
        except ChatError as exc:
            return _error(exc.message)
        except (SurveyError, TicketActionDenied) as exc:
            return _error(str(exc))


class StartView(ChatApiView):
    """``POST /chat/api/start/``: ``jwt`` (the platform's sign-in token) or ``name`` and
    ``email`` (an anonymous visitor), ``message``, ``language``, optional ``files``."""

    needs_conversation = False

    def post(self, request: HttpRequest) -> HttpResponse:
        language = _frame_language(request) if not request.POST.get("language") else request.POST["language"]
        language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        if rate_add(f"chat-start:{client_ip(request)}", window=3600) > settings.HELPDESK_CHAT_STARTS_PER_HOUR:
            return _error(_("Too many conversations from this address. Please try again later."), status=429)
        token = request.POST.get("jwt", "").strip()
        if token:
            try:
                customer = sso_customer_sign_in(token=token)
            except SsoError as exc:
                return _error(exc.message, status=403)
            identified = True
        else:
            name, email = request.POST.get("name", "").strip(), request.POST.get("email", "").strip()
            try:
                validate_email(email)
            except ValidationError:
                return _error(_("Enter a valid e-mail address, so we can answer you."))
            if not name:
                return _error(_("Enter your name."))
            try:
                customer = customer_get_or_create(email=email, name=name[:150], language=language)
            except NotACustomerError:
                return _error(_("This address belongs to a staff account. Please use another one."))
            identified = False
        conversation, key = conversation_start(
            customer=customer,
            message=request.POST.get("message", "")[:10000],
            language=language,
            identified=identified,
            attachments=request.FILES.getlist("files"),
        )
        return JsonResponse(
            {"token": f"{conversation.pk}.{key}", "conversation": conversation_json(conversation)}, status=201
        )


class ConversationView(ChatApiView):
    """``GET /chat/api/conversation/?after=<message id>``: the state and the messages
    since (all, without ``after``): the history and the polling fallback."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        after = _int(request.GET.get("after"))
        if after is None:
            return _error(_("“after” must be a message number."))
        return JsonResponse(conversation_json(self.conversation, after=after))


class MessageView(ChatApiView):
    """``POST /chat/api/messages/``: ``body`` and/or ``files``."""

    def post(self, request: HttpRequest) -> HttpResponse:
        message = conversation_message(
            conversation=self.conversation,
            body=request.POST.get("body", "")[:10000],
            attachments=request.FILES.getlist("files"),
        )
        return JsonResponse(message_json(message, self.conversation), status=201)


class TypingView(ChatApiView):
    def post(self, request: HttpRequest) -> HttpResponse:
        if self.conversation.state != ConversationState.ENDED:
            conversation_typing(conversation=self.conversation, actor=None, by_customer=True)
        return HttpResponse(status=204)


class ReadView(ChatApiView):
    def post(self, request: HttpRequest) -> HttpResponse:
        upto = _int(request.POST.get("upto"), default=None)
        if upto is None:
            return _error(_("“upto” must be a message number."))
        conversation_read(conversation=self.conversation, upto=upto, by_customer=True)
        return HttpResponse(status=204)


class HandOverView(ChatApiView):
    def post(self, request: HttpRequest) -> HttpResponse:
        conversation = conversation_hand_over(conversation=self.conversation)
        return JsonResponse(conversation_json(conversation))


class EndView(ChatApiView):
    def post(self, request: HttpRequest) -> HttpResponse:
        conversation = conversation_end_by_customer(conversation=self.conversation)
        return JsonResponse(conversation_json(conversation))


class RatingView(ChatApiView):
    def post(self, request: HttpRequest) -> HttpResponse:
        rating = _int(request.POST.get("rating"), default=None)
        if rating is None:
            return _error(_("Choose a rating from 1 to 5."))
        conversation_rate(conversation=self.conversation, rating=rating, comment=request.POST.get("comment", "")[:2000])
        return JsonResponse({"rated": True})


def file_download(request: HttpRequest) -> HttpResponse:
    """``GET /chat/api/file/?f=<signed link>``: a file of the conversation. Images in the
    list above are shown inline; anything else is always a download."""
    link = file_link_read(request.GET.get("f", ""))
    if link is None:
        raise Http404
    attachment = attachment_get_for_conversation(conversation_id=link[0], attachment_id=link[1])
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    inline = attachment.content_type in INLINE_IMAGES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=600"
    return response


def _stream_subscription(value: str) -> Subscription | None:
    pk = stream_link_read(value)
    conversation = Conversation.objects.select_related("ticket").filter(pk=pk).first() if pk else None
    if conversation is None:
        return None
    # The customer reads their own ticket's public events (live.access): the conversation's
    # ticket only, whoever the account is.
    return Subscription(
        reader=Reader(user_id=conversation.ticket.customer_id, is_desk=False),
        ticket_id=conversation.ticket_id,
        desk=False,
    )


async def event_stream_view(request: HttpRequest) -> HttpResponse:
    """``GET /chat/api/stream/?s=<signed link>``: the conversation's live events (new
    messages, typing, read receipts, state), server-sent, resuming after ``Last-Event-ID``
    or ``after``. Under WSGI: 204, and the frame polls ``conversation/`` instead."""
    subscription = await sync_to_async(_stream_subscription)(request.GET.get("s", ""))
    if subscription is None:
        return HttpResponse(status=403)
    if not hasattr(request, "scope"):
        return HttpResponse(status=204)
    start = _int(request.headers.get("Last-Event-ID"), default=None) or _int(request.GET.get("after"), default=None)
    await sync_to_async(_close_request_connections)()
    return LiveStreamResponse(subscription, start)
