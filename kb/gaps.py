"""Content gaps: the questions customers ask that no article answers, grouped into topics,
so a manager knows which article to write next.

A ticket is unanswered when no public article comes close in meaning to its subject and
first message: the best article chunk's cosine similarity (``kb.embeddings``) stays below
``UNANSWERED_BELOW``. Unanswered tickets are grouped greedily: each joins the first topic
whose centre it is at least ``SAME_TOPIC`` similar to, or starts a new one. A topic is
named by the ticket closest to its centre.

Reads the ``SAMPLE`` most recent tickets of the period (an embedding costs about 1 ms).
Searches without a click are not counted yet: the help center does not record searches.
"""

from datetime import datetime
from typing import Any

import numpy as np
from django.db.models import OuterRef, Subquery

from tickets.models import Ticket, TicketMessage

from . import embeddings
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
    topics: list[list[int]] = []
    centres: list[np.ndarray] = []
    for row in unanswered.tolist():
        similar = [float(centre @ vectors[row]) for centre in centres]
        best = int(np.argmax(similar)) if similar else -1
        if best >= 0 and similar[best] >= SAME_TOPIC:
            topics[best].append(row)
            centre = vectors[topics[best]].mean(axis=0)
            centres[best] = centre / (np.linalg.norm(centre) or 1.0)
        else:
            topics.append([row])
            centres.append(vectors[row])
    found = []
    for members, centre in sorted(zip(topics, centres, strict=True), key=lambda pair: -len(pair[0]))[:TOPICS]:
        ranked = sorted(members, key=lambda row: -float(vectors[row] @ centre))
        found.append(
            {
                "title": rows[ranked[0]][0],
                "questions": len(members),
                "examples": [rows[row][0] for row in ranked[1 : 1 + EXAMPLES]],
                "closeness": round(float(closeness[members].max()), 2),
            }
        )
    return {"tickets": len(rows), "unanswered": len(unanswered), "topics": found}
