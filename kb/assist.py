"""Agent assist on the desk's ticket page: the most similar resolved tickets with their
final public reply, and, for each suggested article, the paragraph closest to the ticket
(for "insert into reply"). Both compare sentence embeddings (``kb.embeddings``).

Similar tickets are looked for among the ``CANDIDATES`` most recently resolved tickets of
the same category (any category when the ticket has none). Their embeddings (subject and
first message) are kept in the cache, so a sidebar usually embeds only the ticket itself.
"""

from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import OuterRef, Subquery

from tickets.models import MessageKind, Status, Ticket, TicketMessage

from . import embeddings
from .models import Article
from .sentiment import Sentiment, sentiments

CUSTOMER_MESSAGES = 10

CANDIDATES = 100
SIMILAR_TICKETS = 3
# Below this cosine similarity a resolved ticket is not shown as similar (chosen by eye on
# the demo tickets: unrelated requests of one category score 0.3–0.5).
SIMILAR_MIN = 0.55
CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class SimilarTicket:
    ticket: Ticket
    similarity: float
    final_reply: str


def _text(subject: str, body: str) -> str:
    return f"{subject}\n{body[:500]}"


def _first_message() -> Subquery:
    return Subquery(TicketMessage.objects.filter(ticket=OuterRef("pk")).order_by("created_at", "pk").values("body")[:1])


def _final_reply() -> Subquery:
    return Subquery(
        TicketMessage.objects.filter(
            ticket=OuterRef("pk"), kind=MessageKind.REPLY, from_customer=False, is_automatic=False
        )
        .order_by("-created_at", "-pk")
        .values("body")[:1]
    )


def _cached_vectors(rows: list[tuple[int, str, str]]) -> np.ndarray:
    """Embeddings of (id, subject, first message) rows, from the cache where it has them."""
    keys = {pk: f"kb:ticket-vector:{pk}" for pk, _s, _b in rows}
    found = cache.get_many(list(keys.values()))
    missing = [(pk, subject, body) for pk, subject, body in rows if keys[pk] not in found]
    if missing:
        vectors = embeddings.embed([_text(subject, body or "") for _pk, subject, body in missing])
        fresh = {
            keys[pk]: embeddings.to_bytes(vector[None, :])
            for (pk, _s, _b), vector in zip(missing, vectors, strict=True)
        }
        cache.set_many(fresh, CACHE_SECONDS)
        found.update(fresh)
    return np.vstack([embeddings.from_bytes(found[keys[pk]]) for pk, _s, _b in rows])


def ticket_similar_resolved(*, ticket: Ticket, body: str, limit: int = SIMILAR_TICKETS) -> list[SimilarTicket]:
    """The resolved tickets most similar to ``ticket`` (``body``: its first message), best
    first, each with its final public reply. Three queries."""
    candidates = (
        Ticket.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED], merged_into__isnull=True)
        .exclude(pk=ticket.pk)
        .annotate(first_body=_first_message())
        .order_by("-resolved_at", "-pk")
    )
    if ticket.category_id is not None:
        candidates = candidates.filter(category_id=ticket.category_id)
    rows = list(candidates.values_list("pk", "subject", "first_body")[:CANDIDATES])
    if not rows:
        return []
    similarity = _cached_vectors(rows) @ embeddings.embed_one(_text(ticket.subject, body))
    best = [int(i) for i in np.argsort(-similarity)[:limit] if similarity[i] >= SIMILAR_MIN]
    if not best:
        return []
    ids = [rows[i][0] for i in best]
    tickets = Ticket.objects.annotate(final_reply=_final_reply()).in_bulk(ids)
    return [
        SimilarTicket(
            ticket=tickets[rows[i][0]], similarity=float(similarity[i]), final_reply=tickets[rows[i][0]].final_reply
        )
        for i in best
        if rows[i][0] in tickets and tickets[rows[i][0]].final_reply
    ]


def article_relevant_paragraphs(*, articles: list[Article], text: str) -> dict[int, str]:
    """For each article, the paragraph of its body closest in meaning to ``text``."""
    pieces = [(article.pk, paragraph) for article in articles for paragraph in embeddings.paragraphs(article.body)]
    if not pieces:
        return {}
    similarity = embeddings.embed([p for _pk, p in pieces]) @ embeddings.embed_one(text)
    best: dict[int, tuple[float, str]] = {}
    for (pk, paragraph), score in zip(pieces, similarity.tolist(), strict=True):
        if pk not in best or score > best[pk][0]:
            best[pk] = (score, paragraph)
    return {pk: paragraph for pk, (_score, paragraph) in best.items()}


def customer_messages_sentiment(*, ticket: Ticket) -> list[tuple[TicketMessage, Sentiment]]:
    """The customer's latest messages on the ticket (oldest first), each with its sentiment."""
    messages = list(
        TicketMessage.objects.filter(ticket=ticket, from_customer=True).order_by("-created_at", "-pk")[
            :CUSTOMER_MESSAGES
        ]
    )[::-1]
    return list(zip(messages, sentiments([message.body for message in messages]), strict=True))
