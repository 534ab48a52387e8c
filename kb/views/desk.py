"""Desk pages of the knowledge base: article search for agents (internal articles too),
the ticket sidebar's predicted category and suggested articles (htmx), and turning a
good reply into a draft article."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.roles import ACCESS_DESK
from helpdesk.access import SurfaceAccessMixin
from tickets.models import MessageKind, TicketMessage
from tickets.selectors import ticket_get_visible

from ..assist import article_relevant_paragraphs, customer_messages_sentiment, ticket_similar_resolved
from ..autoanswer import first_message, ticket_suggestions
from ..models import KBCategory
from ..selectors import article_search
from ..services import KBError, article_draft_from_reply
from .help import QUERY_MAX_LENGTH, SEARCH_PAGE_SIZE, _page_number

SIDEBAR_ARTICLES = 5


class DeskView(SurfaceAccessMixin):
    required_permission = ACCESS_DESK


class ArticleSearchView(DeskView, View):
    """Agents search every published article, internal ones included."""

    template_name = "kb/desk/search.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
        results = (
            article_search(actor=request.user, query=query, page=_page_number(request), per_page=SEARCH_PAGE_SIZE)
            if query
            else None
        )
        return render(request, self.template_name, {"query": query, "results": results})


class TicketSuggestionsView(DeskView, View):
    """The ticket sidebar card: the triage model's category with its confidence, the
    suggested articles, each with its paragraph closest to the ticket and "insert into
    reply", and the most similar resolved tickets with their final reply (htmx partial)."""

    template_name = "kb/desk/_ticket_suggestions.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = ticket_get_visible(actor=request.user, pk=pk)
        suggestions = ticket_suggestions(ticket=ticket, internal=True, limit=SIDEBAR_ARTICLES)
        body = first_message(ticket)
        paragraphs = article_relevant_paragraphs(articles=suggestions.articles, text=f"{ticket.subject}\n{body}")
        context: dict[str, Any] = {
            "ticket": ticket,
            "suggestions": suggestions,
            "articles": [(article, paragraphs.get(article.pk, "")) for article in suggestions.articles],
            "similar": ticket_similar_resolved(ticket=ticket, body=body),
            "moods": customer_messages_sentiment(ticket=ticket),
            "site_url": settings.HELPDESK_SITE_URL,
        }
        return render(request, self.template_name, context)


class ArticleDraftFromMessageView(DeskView, View):
    """POST: an agent's public reply becomes a draft article (edited and published later
    in the admin)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        message = (
            TicketMessage.objects.select_related("ticket", "ticket__category")
            .filter(pk=pk, kind=MessageKind.REPLY, from_customer=False, is_automatic=False)
            .first()
        )
        if message is None:
            messages.error(request, _("Only an agent's public reply can become an article."))
            return redirect("desk:queue")
        ticket = ticket_get_visible(actor=request.user, pk=message.ticket_id)
        category = (
            KBCategory.objects.filter(ticket_category_id=ticket.category_id).order_by("parent_id", "position").first()
            or KBCategory.objects.order_by("parent_id", "position").first()
        )
        if category is None:
            messages.error(request, _("Create a knowledge-base category first."))
            return redirect("desk:ticket-detail", pk=ticket.pk)
        try:
            article = article_draft_from_reply(
                message_body=message.body, subject=ticket.subject, editor=request.user, category=category
            )
        except KBError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Draft article “%(title)s” saved; an editor can publish it from the admin.")
                % {"title": article.title},
            )
        return redirect("desk:ticket-detail", pk=ticket.pk)
