"""Writes of the knowledge base: one function per operation, keyword-only and atomic.
Re-indexing is enqueued after the transaction commits."""

import logging
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Course, User
from helpdesk.events import task_enqueue

from .models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleStatus,
    ArticleVisit,
    KBCategory,
    SearchQuery,
    Tag,
    Visibility,
    VisitSource,
)
from .rendering import markdown_render

# A ticket submitted within this time after an article visit of the same session means
# the visit did not deflect it.
DEFLECTION_WINDOW = timedelta(hours=24)
# After the broker refused a search record, searches stop trying for this long (seconds).
SEARCH_BROKER_RETRY_SECONDS = 10.0

logger = logging.getLogger(__name__)


class KBError(Exception):
    """A refused knowledge-base operation, with a message for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _index_on_commit(article_id: int) -> None:
    from .tasks import article_index_task

    task_enqueue(article_index_task, article_id)


def _revision_add(*, article: Article, editor: User | None, note: str = "") -> ArticleRevision:
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return ArticleRevision.objects.create(
        article=article, number=last + 1, title=article.title, body=article.body, editor=editor, note=note[:200]
    )


@transaction.atomic
def article_save(
    *,
    article: Article | None = None,
    editor: User | None,
    title: str,
    body: str,
    category: KBCategory,
    language: str,
    status: str = ArticleStatus.DRAFT,
    visibility: str = Visibility.PUBLIC,
    summary: str = "",
    tags: Iterable[str] = (),
    related_courses: Iterable[Course] | None = None,
    note: str = "",
) -> Article:
    """Create or update an article: renders its Markdown to sanitized HTML, records a
    revision (who, when, what), and re-indexes it for search once committed."""
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise KBError(_("An article needs a title and a body."))
    now = timezone.now()
    article = article or Article(author=editor, created_at=now)
    was_published = article.pk is not None and article.status == ArticleStatus.PUBLISHED
    article.title = title[:200]
    article.body = body
    article.body_html = markdown_render(body)
    article.summary = summary.strip()[:300]
    article.category = category
    article.language = language
    article.status = status
    article.visibility = visibility
    article.updated_at = now
    if status == ArticleStatus.PUBLISHED and (not was_published or article.published_at is None):
        article.published_at = now
    try:
        article.full_clean(exclude=["translation_key", "author"])
    except ValidationError as exc:
        raise KBError(" ".join(exc.messages)) from exc
    article.save()
    article.tags.set([Tag.objects.get_or_create(name=name.strip()[:50])[0] for name in tags if name.strip()])
    if related_courses is not None:
        article.related_courses.set(list(related_courses))
    _revision_add(article=article, editor=editor, note=note)
    _index_on_commit(article.pk)
    return article


@transaction.atomic
def article_revision_restore(*, revision: ArticleRevision, editor: User) -> Article:
    """Bring back an old revision's title and body, as a new revision."""
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    article.title = revision.title
    article.body = revision.body
    article.body_html = markdown_render(revision.body)
    article.updated_at = timezone.now()
    article.save(update_fields=["title", "body", "body_html", "updated_at"])
    _revision_add(article=article, editor=editor, note=_("Restored revision %(number)s") % {"number": revision.number})
    _index_on_commit(article.pk)
    return article


@transaction.atomic
def article_feedback_record(
    *, article: Article, helpful: bool, session_key: str, user: User | None = None, comment: str = ""
) -> ArticleFeedback:
    """Record "was this helpful?"; a visitor who answers again changes their answer.
    The article's helpful counters follow."""
    if not session_key:
        raise KBError(_("Your browser must accept cookies to rate an article."))
    previous = ArticleFeedback.objects.select_for_update().filter(article=article, session_key=session_key).first()
    if previous is not None:
        if previous.helpful != helpful:
            Article.objects.filter(pk=article.pk).update(
                helpful_count=F("helpful_count") + (1 if helpful else -1),
                not_helpful_count=F("not_helpful_count") + (-1 if helpful else 1),
            )
        previous.helpful = helpful
        previous.comment = comment.strip() or previous.comment
        previous.user = user if user is not None and user.is_authenticated else previous.user
        previous.save(update_fields=["helpful", "comment", "user"])
        return previous
    field = "helpful_count" if helpful else "not_helpful_count"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
    return ArticleFeedback.objects.create(
        article=article,
        helpful=helpful,
        comment=comment.strip(),
        session_key=session_key,
        user=user if user is not None and user.is_authenticated else None,
    )


@transaction.atomic
def article_visit_record(
    *, article: Article, session_key: str, user: User | None = None, source: str = VisitSource.BROWSE
) -> ArticleVisit | None:
    """Count a view of a published article. Visits are what help-center deflection
    counts; a session without a key (cookies refused) is counted in views only."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    if not session_key:
        return None
    return ArticleVisit.objects.create(
        article=article,
        session_key=session_key,
        source=source,
        user=user if user is not None and user.is_authenticated else None,
    )


def article_visits_link_ticket(*, session_key: str, ticket_id: int) -> int:
    """A ticket was submitted from this session: the session's recent visits did not
    deflect it. Returns the number of visits linked."""
    if not session_key:
        return 0
    since = timezone.now() - DEFLECTION_WINDOW
    return ArticleVisit.objects.filter(session_key=session_key, created_at__gte=since, ticket__isnull=True).update(
        ticket_id=ticket_id
    )


@transaction.atomic
def article_draft_from_reply(*, message_body: str, subject: str, editor: User, category: KBCategory) -> Article:
    """An agent turns a good reply into a draft article for an editor to polish."""
    language = "zh-hans" if any("\u4e00" <= ch <= "\u9fff" for ch in message_body + subject) else "en"
    return article_save(
        editor=editor,
        title=subject,
        body=message_body,
        category=category,
        language=language,
        status=ArticleStatus.DRAFT,
        visibility=Visibility.PUBLIC,
        note=_("Draft made from a ticket reply"),
    )


# ---------------------------------------------------------------------------
# Help-center searches and the articles opened from them (content gaps)
# ---------------------------------------------------------------------------


def search_query_normalize(query: str) -> str:
    """The form searches are counted under: lower case, single spaces."""
    return " ".join(query.lower().split())[: SearchQuery._meta.get_field("query").max_length]


_search_broker_down_until = 0.0


def search_record_later(*, token: uuid.UUID, query: str, results: int, language: str) -> bool:
    """Ask a worker to record a help-center search (``search_record``): the search page
    itself runs no query for it, only a message to the broker. Never raises: when the broker
    is down the search goes unrecorded (a sample is enough for content gaps) and searches
    stop trying for ``SEARCH_BROKER_RETRY_SECONDS``. Returns whether the broker took it."""
    global _search_broker_down_until
    from .tasks import search_record_task

    if time.monotonic() < _search_broker_down_until:
        return False
    try:
        search_record_task.apply_async(
            kwargs={
                "token": str(token),
                "query": query,
                "results": results,
                "language": language,
                "created_at": timezone.now().isoformat(),
            },
            retry=False,
        )
    except Exception as exc:  # the broker's own errors (kombu, redis, OSError) vary by transport
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.HELPDESK_EVENT_ERRORS_PROPAGATE:
            raise
        _search_broker_down_until = time.monotonic() + SEARCH_BROKER_RETRY_SECONDS
        logger.warning("broker unavailable (%s); a help-center search was not recorded", type(exc).__name__)
        return False
    return True


def search_record(*, token: uuid.UUID, query: str, results: int, language: str, created_at: datetime) -> None:
    """Record a help-center search: one INSERT, which a second run of the same task (same
    ``token``) leaves as it was."""
    SearchQuery.objects.bulk_create(
        [
            SearchQuery(
                token=token,
                query=search_query_normalize(query),
                results=results,
                language=language[:10],
                created_at=created_at,
            )
        ],
        ignore_conflicts=True,
    )


def search_click_record(*, token: str, article: Article) -> bool:
    """The first article opened from a search's results. An unknown or malformed token
    (an edited link) is ignored. Returns whether a search was updated."""
    try:
        parsed = uuid.UUID(token)
    except ValueError:
        return False
    return bool(
        SearchQuery.objects.filter(token=parsed, clicked_at__isnull=True).update(
            clicked_article=article, clicked_at=timezone.now()
        )
    )
