"""Writes of the knowledge base: one function per operation, keyword-only and atomic.
Re-indexing is enqueued after the transaction commits."""

from collections.abc import Iterable
from datetime import timedelta

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
    Tag,
    Visibility,
    VisitSource,
)
from .rendering import markdown_render

# A ticket submitted within this time after an article visit of the same session means
# the visit did not deflect it.
DEFLECTION_WINDOW = timedelta(hours=24)


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
