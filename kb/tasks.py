"""Celery tasks of the knowledge base: thin, idempotent, by id."""

from celery import shared_task

from .models import Article
from .search import index_article


@shared_task(ignore_result=True)
def article_index_task(article_id: int) -> int:
    """Re-index one article (enqueued when it is saved). Idempotent: the article's postings
    are replaced. An article deleted meanwhile has nothing to index."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return index_article(article)


@shared_task
def triage_retrain_task() -> dict[str, int | float | None]:
    """Scheduled nightly, and run on demand from the admin: trains the category and
    priority models on the tickets so far and stores them as new versions."""
    from .triage import triage_train_from_tickets

    return triage_train_from_tickets()


@shared_task(ignore_result=True)
def ticket_auto_answer_task(ticket_id: int) -> bool:
    """Enqueued by ``ticket_open`` after commit: maybe answer the new ticket with articles."""
    from .autoanswer import ticket_auto_answer

    return ticket_auto_answer(ticket_id=ticket_id)


@shared_task(ignore_result=True)
def search_record_task(*, token: str, query: str, results: int, language: str, created_at: str) -> None:
    """Record a help-center search (asked for by the search page). Idempotent."""
    import uuid

    from django.utils.dateparse import parse_datetime

    from .services import search_record

    moment = parse_datetime(created_at)
    if moment is None:
        raise ValueError(f"not a date and time: {created_at!r}")
    search_record(token=uuid.UUID(token), query=query, results=results, language=language, created_at=moment)
