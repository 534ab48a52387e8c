"""Knowledge-base test data: categories and articles saved through the service and indexed
at once (the index task runs after commit, which function-scoped tests never reach)."""

import factory
from factory.django import DjangoModelFactory

from kb.models import Article, ArticleStatus, KBCategory, Visibility
from kb.search import index_article
from kb.services import article_save


class KBCategoryFactory(DjangoModelFactory):
    class Meta:
        model = KBCategory
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    name_zh_hans = factory.Sequence(lambda n: f"主题 {n}")


def article(
    title: str,
    body: str,
    *,
    category: KBCategory | None = None,
    language: str = "en",
    status: str = ArticleStatus.PUBLISHED,
    visibility: str = Visibility.PUBLIC,
    **kwargs: object,
) -> Article:
    saved = article_save(
        editor=None,
        title=title,
        body=body,
        category=category or KBCategoryFactory(),
        language=language,
        status=status,
        visibility=visibility,
        **kwargs,
    )
    index_article(saved)
    saved.refresh_from_db()
    return saved
