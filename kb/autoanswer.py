"""Smart answers on a new ticket: predict its category, find the best articles, and answer
automatically when the prediction is confident enough for an auto-answerable category.

Called by ``kb.tasks.ticket_auto_answer_task``, which ``tickets.services.ticket_open``
enqueues after commit for every channel. Below the threshold nothing is sent: agents see
the prediction and the suggested articles in the desk's ticket sidebar.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tickets.models import Category, Status, Ticket, TicketMessage
from tickets.services import ticket_auto_answer_send, ticket_negative_sentiment_act
from tickets.services.base import event_log

from .models import Article, AutoAnswerRule
from .search import search_ids
from .selectors import articles_visible_by_id
from .sentiment import NEGATIVE, sentiments
from .triage import Prediction, triage_predict

ARTICLES_IN_ANSWER = 3


@dataclass
class Suggestions:
    prediction: Prediction | None
    category: Category | None
    articles: list[Article] = field(default_factory=list)


def first_message(ticket: Ticket) -> str:
    return (
        TicketMessage.objects.filter(ticket=ticket).order_by("created_at", "pk").values_list("body", flat=True).first()
        or ""
    )


def ticket_suggestions(*, ticket: Ticket, internal: bool = False, limit: int = ARTICLES_IN_ANSWER) -> Suggestions:
    """The predicted category and the best matching articles for a ticket (public articles
    only unless ``internal``, for agents). Searches the subject, then subject + message."""
    body = first_message(ticket)
    prediction = triage_predict(subject=ticket.subject, body=body)
    category = Category.objects.filter(slug=prediction.label).first() if prediction else None
    hits = search_ids(ticket.subject, internal=internal, limit=limit).hits
    if len(hits) < limit:
        more = search_ids(f"{ticket.subject} {body[:300]}", internal=internal, limit=limit).hits
        seen = {pk for pk, _score in hits}
        hits += [hit for hit in more if hit[0] not in seen][: limit - len(hits)]
    # The visibility of each hit as the database says now, not as it was indexed.
    articles = articles_visible_by_id(ids=[pk for pk, _score in hits], internal=internal)
    return Suggestions(
        prediction=prediction, category=category, articles=[articles[pk] for pk, _s in hits if pk in articles]
    )


def triage_record(*, ticket: Ticket, prediction: Prediction) -> None:
    """Put the triage model's prediction on the ticket's trail (shown in the desk)."""
    event_log(
        ticket=ticket,
        type="tickets.ticket.triaged",
        category=prediction.label,
        confidence=round(prediction.confidence, 3),
        version=prediction.version,
        out_of_scope=prediction.out_of_scope,
    )


def _answer_body(*, ticket: Ticket, articles: list[Article]) -> str:
    base = settings.HELPDESK_SITE_URL
    lines = [
        _("Hello %(name)s,") % {"name": ticket.customer.name or ticket.customer.email},
        "",
        _("While our support team looks at your request, these help-center articles may already answer it:"),
        "",
    ]
    lines += [f"- {article.title}: {base}{reverse('help:article-detail', args=[article.pk])}" for article in articles]
    lines += [
        "",
        _(
            "If one of them solves your problem, choose “Solved” on your ticket page. If not, choose “Not solved” "
            "and an agent will take it from here; you lose no time in the queue."
        ),
    ]
    return "\n".join(lines)


def _negative_sentiment_act(ticket: Ticket) -> bool:
    """Apply the sentiment rule (``HELPDESK_NEGATIVE_SENTIMENT_ACTION``) to a new ticket
    whose first message reads negative; True when it acted."""
    action = settings.HELPDESK_NEGATIVE_SENTIMENT_ACTION
    if action not in ("priority", "tier2"):
        return False
    feeling = sentiments([f"{ticket.subject}\n{first_message(ticket)}"])[0]
    if feeling.label != NEGATIVE or feeling.confidence < settings.HELPDESK_NEGATIVE_SENTIMENT_CONFIDENCE:
        return False
    return ticket_negative_sentiment_act(ticket=ticket, action=action, confidence=feeling.confidence)


def ticket_auto_answer(*, ticket_id: int) -> bool:
    """Answer a new tier-1 ticket automatically when the triage model is confident enough
    for an auto-answerable category and articles match. Records the prediction on the
    ticket's trail either way. Idempotent: returns True only when an answer was sent now."""
    ticket = Ticket.objects.select_related("customer", "category").filter(pk=ticket_id).first()
    if ticket is None or ticket.status != Status.NEW or ticket.auto_answered_at is not None or ticket.tier != 1:
        return False
    language = ticket.customer.language if ticket.customer.language in dict(settings.LANGUAGES) else "en"
    if _negative_sentiment_act(ticket) and settings.HELPDESK_NEGATIVE_SENTIMENT_ACTION == "tier2":
        return False  # an angry customer gets a person, not articles
    with translation.override(language):
        suggestions = ticket_suggestions(ticket=ticket)
        prediction = suggestions.prediction
        if prediction is None or suggestions.category is None:
            return False
        triage_record(ticket=ticket, prediction=prediction)
        if prediction.out_of_scope:  # none of the categories the model knows: agents answer it
            return False
        # The category the customer chose wins over the prediction.
        category = ticket.category or suggestions.category
        rule = AutoAnswerRule.objects.filter(category=category).first()
        if (
            rule is None
            or not rule.is_auto_answerable
            or category.pk != suggestions.category.pk
            or prediction.confidence < rule.min_confidence
            or not suggestions.articles
        ):
            return False
        sent = ticket_auto_answer_send(
            ticket=ticket,
            body=_answer_body(ticket=ticket, articles=suggestions.articles),
            category=suggestions.category,
        )
        return sent is not None
