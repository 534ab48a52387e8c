"""The desk's chat console: the agent's live conversations, one open with its messages
(live), a reply box with the canned responses, the suggested articles and the customer
context of the ticket page, transfer and end. Desk users only; acting on a conversation
follows the desk's tier rules (the tickets services check them)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import ACCESS_DESK
from helpdesk.access import SurfaceAccessMixin
from tickets.selectors import ticket_detail
from tickets.services import InvalidTransition, TicketActionDenied, TicketError

from ..forms import ChatReplyForm, ChatTransferForm
from ..models import Conversation
from ..selectors import conversation_get_for_agent, conversation_list_for_agent, conversation_messages
from ..services import (
    ChatError,
    conversation_end_by_agent,
    conversation_read,
    conversation_reply,
    conversation_transfer,
    conversation_typing,
)


def _message_json(message: Any) -> dict[str, Any]:
    if message.from_customer:
        side = "customer"
    elif message.author_id is None:
        side = "bot"
    else:
        side = "agent"
    return {
        "id": message.pk,
        "side": side,
        "name": message.author.name if message.author_id else "",
        "body": message.body,
        "at": message.created_at.isoformat(),
        "files": [{"name": a.name, "url": reverse("help:attachment", args=[a.pk])} for a in message.attachments.all()],
    }


class ChatDeskMixin(SurfaceAccessMixin):
    required_permission = ACCESS_DESK

    def conversation(self, pk: int) -> Conversation:
        conversation = conversation_get_for_agent(actor=self.request.user, ticket_id=pk)
        if conversation is None:
            raise Http404
        return conversation


class ChatConsoleView(ChatDeskMixin, TemplateView):
    """``/desk/chat/`` and ``/desk/chat/<ticket>/``."""

    template_name = "chat/desk/console.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        pk = kwargs.get("pk")
        context["conversations"] = list(conversation_list_for_agent(actor=user))
        if pk is not None:
            conversation = self.conversation(pk)
            detail = ticket_detail(actor=user, pk=pk)
            context.update(
                conversation=conversation,
                ticket=detail.ticket,
                detail=detail,
                chat_messages=[m for m in detail.messages if m.is_public],
                reply_form=ChatReplyForm(),
                transfer_form=ChatTransferForm(),
                last_message=max((m.pk for m in detail.messages), default=0),
            )
        return context


class ChatMessagesView(ChatDeskMixin, View):
    """``GET /desk/chat/<ticket>/messages/?after=<id>``: new messages, state and receipts."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = self.conversation(pk)
        try:
            after = int(request.GET.get("after") or 0)
        except ValueError:
            return JsonResponse({"detail": _("“after” must be a message number.")}, status=400)
        return JsonResponse(
            {
                "state": conversation.state,
                "status": conversation.ticket.status,
                "read": {"customer": conversation.customer_read_upto, "agent": conversation.agent_read_upto},
                "messages": [_message_json(m) for m in conversation_messages(conversation=conversation, after=after)],
            }
        )


class ChatActionView(ChatDeskMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = self.conversation(pk)
        try:
            return self.act(conversation)
        except (ChatError, TicketError, TicketActionDenied, InvalidTransition) as exc:
            message = exc.message if isinstance(exc, ChatError) else str(exc)
            status = 403 if isinstance(exc, TicketActionDenied) else 400
            if request.headers.get("Accept") == "application/json":
                return JsonResponse({"detail": message}, status=status)
            messages.error(request, message)
            return redirect("desk:chat-detail", pk=pk)

    def act(self, conversation: Conversation) -> HttpResponse:
        raise NotImplementedError


class ChatReplyView(ChatActionView):
    def act(self, conversation: Conversation) -> HttpResponse:
        form = ChatReplyForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
            raise ChatError(errors)
        message = conversation_reply(
            conversation=conversation,
            agent=self.request.user,
            body=form.cleaned_data["body"],
            attachments=form.cleaned_data["attachments"],
        )
        if self.request.headers.get("Accept") == "application/json":
            return JsonResponse(_message_json(message), status=201)
        # the form sent without the console's script (before it ran, or without JavaScript)
        return redirect("desk:chat-detail", pk=conversation.ticket_id)


class ChatTypingView(ChatActionView):
    def act(self, conversation: Conversation) -> HttpResponse:
        conversation_typing(conversation=conversation, actor=self.request.user, by_customer=False)
        return HttpResponse(status=204)


class ChatReadView(ChatActionView):
    def act(self, conversation: Conversation) -> HttpResponse:
        try:
            upto = int(self.request.POST.get("upto", ""))
        except ValueError:
            return JsonResponse({"detail": _("“upto” must be a message number.")}, status=400)
        conversation_read(conversation=conversation, upto=upto, by_customer=False, actor=self.request.user)
        return HttpResponse(status=204)


class ChatTransferView(ChatActionView):
    def act(self, conversation: Conversation) -> HttpResponse:
        form = ChatTransferForm(self.request.POST)
        if not form.is_valid():
            for error in form.non_field_errors():
                messages.error(self.request, error)
            return redirect("desk:chat-detail", pk=conversation.ticket_id)
        agent = form.cleaned_data["agent"]
        conversation_transfer(
            conversation=conversation,
            agent=self.request.user,
            to_agent=agent,
            tier2_reason=form.cleaned_data["tier2_reason"] or "",
        )
        if agent is not None:
            messages.success(self.request, _("The chat is now with %(name)s.") % {"name": agent})
        else:
            messages.success(self.request, _("The chat went to tier 2."))
        return redirect("desk:chat-console")


class ChatEndView(ChatActionView):
    def act(self, conversation: Conversation) -> HttpResponse:
        conversation_end_by_agent(
            conversation=conversation, agent=self.request.user, resolution=self.request.POST.get("resolution", "")
        )
        messages.success(self.request, _("Chat ended."))
        return redirect("desk:chat-console")
