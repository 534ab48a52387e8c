"""Content gaps: the questions customers ask that no article answers, grouped into topics,
so a manager knows which article to write next.

A ticket is unanswered when no public article comes close in meaning to its subject and
first message: the best article chunk's cosine similarity (``kb.embeddings``) stays below
``UNANSWERED_BELOW``. Unanswered tickets are grouped greedily: each joins the first topic
whose centre it is at least ``SAME_TOPIC`` similar to, or starts a new one. A topic is
named by the ticket closest to its centre.

Reads the ``SAMPLE`` most recent tickets of the period (an embedding costs about 1 ms).

Help-center searches (``SearchQuery``, recorded by a worker) are the other half: a query
text none of whose searches opened an article (none found, or none looked right) is
unanswered. Those texts, weighted by how often they were searched, are grouped into
topics the same way (the ``SAMPLE`` most searched ones).
"""

from datetime import datetime
from typing import Any

import numpy as np
from django.db.models import Count, OuterRef, Q, Subquery

from tickets.models import Ticket, TicketMessage

from . import embeddings
from .models import SearchQuery
from .search import search_index

SAMPLE = 500
# Below this, no article answers the ticket (the demo's answered questions score 0.5–0.9
# with their article, bench/kb_eval.py).
UNANSWERED_BELOW = 0.45
SAME_TOPIC = 0.6
TOPICS = 10
EXAMPLES = 3


def _best_article_closeness(vectors: np.ndarray) -> np.ndarray:
    """Per row of ``vectors``, the best cosine similarity with a public article's chunk."""
    index = search_index()
    _ids, visibility, _languages, _categories = index.meta_arrays()
    matrix, starts = index.dense_arrays()
    if not len(starts) or not (visibility == 1).any():
        return np.zeros(len(vectors), dtype=np.float32)
    per_article = np.maximum.reduceat(matrix @ vectors.T, starts, axis=0)
    return per_article[visibility == 1].max(axis=0)


def _topics(vectors: np.ndarray, members: list[int], weights: list[int]) -> list[list[int]]:
    """Greedy grouping of the rows ``members`` of ``vectors`` (L2-normalized): each joins
    the first topic whose centre it is at least ``SAME_TOPIC`` similar to, or starts one.
    The ``TOPICS`` heaviest topics (sum of ``weights``), each as its rows, the one closest
    to its centre first."""
    topics: list[list[int]] = []
    centres: list[np.ndarray] = []
    for row in members:
        similar = [float(centre @ vectors[row]) for centre in centres]
        best = int(np.argmax(similar)) if similar else -1
        if best >= 0 and similar[best] >= SAME_TOPIC:
            topics[best].append(row)
            centre = vectors[topics[best]].mean(axis=0)
            centres[best] = centre / (np.linalg.norm(centre) or 1.0)
        else:
            topics.append([row])
            centres.append(vectors[row])
    heaviest = sorted(
        zip(topics, centres, strict=True), key=lambda pair: (-sum(weights[row] for row in pair[0]), pair[0][0])
    )
    return [sorted(rows, key=lambda row: -float(vectors[row] @ centre)) for rows, centre in heaviest[:TOPICS]]


def content_gaps(*, start: datetime, end: datetime) -> dict[str, Any] | None:
    """``{"tickets": n read, "unanswered": n, "topics": [{"title", "questions",
    "examples", "closeness"}, …]}`` for the tickets created in [start, end), biggest topics
    first; None when there are no tickets."""
    first = TicketMessage.objects.filter(ticket=OuterRef("pk")).order_by("created_at", "pk").values("body")[:1]
    rows = list(
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end, merged_into__isnull=True)
        .annotate(first_body=Subquery(first))
        .order_by("-created_at", "-pk")
        .values_list("subject", "first_body")[:SAMPLE]
    )
    if not rows:
        return None
    vectors = embeddings.embed([f"{subject}\n{(body or '')[:500]}" for subject, body in rows])
    closeness = _best_article_closeness(vectors)
    unanswered = np.flatnonzero(closeness < UNANSWERED_BELOW)
    found = [
        {
            "title": rows[ranked[0]][0],
            "questions": len(ranked),
            "examples": [rows[row][0] for row in ranked[1 : 1 + EXAMPLES]],
            "closeness": round(float(closeness[ranked].max()), 2),
        }
        for ranked in _topics(vectors, unanswered.tolist(), [1] * len(rows))
    ]
    return {"tickets": len(rows), "unanswered": len(unanswered), "topics": found}


def search_gaps(*, start: datetime, end: datetime) -> dict[str, Any] | None:
    """``{"searches": n, "without_click": n, "without_result": n, "texts": distinct query
    texts, "unanswered_texts": n, "topics": [{"title", "searches", "without_result",
    "examples"}, …]}`` for the help-center searches of [start, end), most searched topics
    first; None when there was no search. A query text is unanswered when none of its
    searches opened an article."""
    per_text = list(
        SearchQuery.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("query")
        .annotate(
            searches=Count("pk"),
            clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
            empty=Count("pk", filter=Q(results=0)),
        )
        .order_by("-searches", "query")
    )
    if not per_text:
        return None
    unanswered = [row for row in per_text if not row["clicked"]][:SAMPLE]
    topics = []
    if unanswered:
        vectors = embeddings.embed([row["query"] for row in unanswered])
        weights = [row["searches"] for row in unanswered]
        for ranked in _topics(vectors, list(range(len(unanswered))), weights):
            by_frequency = sorted(ranked, key=lambda row: (-weights[row], unanswered[row]["query"]))
            topics.append(
                {
                    "title": unanswered[by_frequency[0]]["query"],
                    "searches": sum(weights[row] for row in ranked),
                    "without_result": sum(unanswered[row]["empty"] for row in ranked),
                    "examples": [unanswered[row]["query"] for row in by_frequency[1 : 1 + EXAMPLES]],
                }
            )
    return {
        "searches": sum(row["searches"] for row in per_text),
        "without_click": sum(row["searches"] - row["clicked"] for row in per_text),
        "without_result": sum(row["empty"] for row in per_text),
        "texts": len(per_text),
        "unanswered_texts": len(unanswered),
        "topics": topics,
    }
