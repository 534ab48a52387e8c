"""Reads of the knowledge base: visibility-scoped querysets and page data."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from accounts.models import User

from .models import Article, ArticleStatus, ArticleVisit, KBCategory, Visibility, VisitSource
from .permissions import can_read_internal
from .rendering import html_to_text
from .search import search_ids, snippet


def current_language() -> str:
    return "zh-hans" if (get_language() or "en").startswith("zh") else "en"


def article_list_visible(*, actor: User) -> QuerySet[Article]:
    """Published articles ``actor`` may read: public ones; internal ones for agents."""
    visibilities = [Visibility.PUBLIC]
    if can_read_internal(actor):
        visibilities.append(Visibility.INTERNAL)
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, visibility__in=visibilities)
        .select_related("category", "category__parent")
        .defer("search_document", "search_vectors")  # the search index's terms: large, never shown
    )


def article_get_visible(*, actor: User, pk: int) -> Article:
    """The article, or 404 for drafts, internal articles (customers) and unknown ids."""
    try:
        return article_list_visible(actor=actor).prefetch_related("tags", "related_courses").get(pk=pk)
    except Article.DoesNotExist as exc:
        raise Http404 from exc


def article_related(*, actor: User, article: Article, limit: int = 5) -> list[Article]:
    """Articles sharing the category or a tag, most read first."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    query = Q(category_id=article.category_id) | Q(tags__in=tag_ids)
    if article.category.parent_id:
        query |= Q(category__parent_id=article.category.parent_id)
    return list(
        article_list_visible(actor=actor)
        .filter(query, language=article.language)
        .exclude(pk=article.pk)
        .distinct()
        .order_by("-view_count", "-pk")[:limit]
    )


def article_translations(*, actor: User, article: Article) -> list[Article]:
    """The other language versions of ``article`` that ``actor`` may read (same
    ``translation_key``), for the article page's language links."""
    return list(
        article_list_visible(actor=actor)
        .filter(translation_key=article.translation_key)
        .exclude(pk=article.pk)
        .select_related(None)
        .only("pk", "language", "title")
        .order_by("language")
    )


def _counted_articles(*, actor: User, language: str) -> Count:
    visible = article_list_visible(actor=actor).filter(language=language)
    return Count("articles", filter=Q(articles__in=visible.values("pk")))


def category_tree(*, actor: User, language: str) -> list[KBCategory]:
    """Top categories with the subcategories (``visible_children``) that hold an article
    ``actor`` may read in ``language``, and those counts. A category with nothing readable
    (the agents' handbook, for a customer) is left out."""
    counted = _counted_articles(actor=actor, language=language)
    children = KBCategory.objects.annotate(article_count=counted).order_by("position", "slug")
    tree = []
    for category in (
        KBCategory.objects.filter(parent__isnull=True)
        .annotate(article_count=counted)
        .prefetch_related(Prefetch("children", queryset=children))
        .order_by("position", "slug")
    ):
        category.visible_children = [child for child in category.children.all() if child.article_count]
        if category.article_count or category.visible_children:
            tree.append(category)
    return tree


def category_children_visible(*, actor: User, category: KBCategory, language: str) -> list[KBCategory]:
    """The subcategories of ``category`` holding an article ``actor`` may read in ``language``."""
    counted = _counted_articles(actor=actor, language=language)
    children = category.children.annotate(article_count=counted).order_by("position", "slug")
    return [child for child in children if child.article_count]


def category_get(*, slug: str) -> KBCategory:
    category = KBCategory.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise Http404
    return category


def category_articles(*, actor: User, category: KBCategory, language: str) -> QuerySet[Article]:
    return (
        article_list_visible(actor=actor)
        .filter(Q(category=category) | Q(category__parent=category), language=language)
        .order_by("category__position", "-view_count", "-pk")
    )


@dataclass
class SearchHit:
    article: Article
    score: float
    title: str
    snippet: str


@dataclass
class SearchPage:
    query: str
    corrected: str | None
    total: int
    hits: list[SearchHit]
    page: int
    pages: int


# Extra hits asked of the index per page, so that a page stays full when the database
# drops a few whose visibility changed since they were indexed.
STALE_MARGIN = 10


def articles_visible_by_id(*, ids: list[int], internal: bool) -> dict[int, Article]:
    """The articles among ``ids`` that are published and public (or internal, when
    ``internal``), as the database says now: search hits pass through it, because the
    index can lag behind a change of status or visibility (re-indexing is a task)."""
    visibilities = [Visibility.PUBLIC, Visibility.INTERNAL] if internal else [Visibility.PUBLIC]
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, visibility__in=visibilities)
        .select_related("category")
        .defer("search_document", "search_vectors")
        .in_bulk(ids)
    )


def article_search(*, actor: User, query: str, page: int = 1, per_page: int = 10, **filters: Any) -> SearchPage:
    """Search results for ``actor`` (agents also find internal articles), highlighted.
    Visibility is checked in the database for every hit, whatever the index says."""
    from .search import highlight

    page = max(page, 1)
    internal = can_read_internal(actor)
    result = search_ids(
        query, internal=internal, limit=per_page + STALE_MARGIN, offset=(page - 1) * per_page, **filters
    )
    articles = articles_visible_by_id(ids=[pk for pk, _ in result.hits], internal=internal)
    terms = [*result.query.terms, *query.split()]
    hits = [
        SearchHit(
            article=articles[pk],
            score=score,
            title=highlight(articles[pk].title, terms),
            snippet=snippet(html_to_text(articles[pk].body_html), terms),
        )
        for pk, score in result.hits
        if pk in articles
    ][:per_page]
    corrected = result.query.corrected_text if result.query.corrections else None
    return SearchPage(
        query=query,
        corrected=corrected,
        total=result.total,
        hits=hits,
        page=page,
        pages=max(1, -(-result.total // per_page)),
    )


def help_center_deflection(*, start: datetime, end: datetime) -> dict[str, Any]:
    """Help-center deflection in [start, end), computed in the database.

    An article visit (a view in the help center, or a ticket-form suggestion the visitor
    opened) deflects when the same visitor session submitted no ticket within
    ``kb.services.DEFLECTION_WINDOW`` afterwards.

    Returns::

        {
            "article_views": int,             # article visits in the period (all sources)
            "views_deflected": int,           # of which no ticket followed
            "suggestion_opens": int,          # ticket-form suggestions opened
            "suggestions_deflected": int,     # of which the visitor gave up the ticket
            "view_deflection_rate": float | None,        # views_deflected / article_views, 0..1
            "suggestion_deflection_rate": float | None,  # suggestions_deflected / suggestion_opens
        }

    Rates are None ("no data") when their denominator is 0.
    """
    visits = ArticleVisit.objects.filter(created_at__gte=start, created_at__lt=end)
    figures = visits.aggregate(
        article_views=Count("pk"),
        views_deflected=Count("pk", filter=Q(ticket__isnull=True)),
        suggestion_opens=Count("pk", filter=Q(source=VisitSource.SUGGESTION)),
        suggestions_deflected=Count("pk", filter=Q(source=VisitSource.SUGGESTION, ticket__isnull=True)),
    )
    views, opens = figures["article_views"], figures["suggestion_opens"]
    figures["view_deflection_rate"] = figures["views_deflected"] / views if views else None
    figures["suggestion_deflection_rate"] = figures["suggestions_deflected"] / opens if opens else None
    return figures
