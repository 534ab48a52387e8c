"""Demo data of the knowledge base: the help center's categories and articles (Chinese and
English), the auto-answer rules, and a first triage model trained on the demo tickets.
Idempotent: articles are keyed by a stable translation key and never overwritten."""

import uuid
from dataclasses import dataclass

from kb.models import Article, ArticleStatus, AutoAnswerRule, KBCategory, TriageModel, Visibility
from kb.search import index_rebuild
from kb.services import article_save
from kb.triage import triage_train_from_tickets
from tickets.models import Category

from .kb_articles import ARTICLES, CATEGORIES

_NAMESPACE = uuid.UUID("6f1c1d38-6f55-4a0b-9d0c-6b3e1f0a7e21")
# Categories whose tickets the demo answers automatically above the confidence threshold.
AUTO_ANSWERABLE = {"course-access": 0.6, "certificate-invoice": 0.6, "membership": 0.6, "account-login": 0.7}
# Tickets read to train the demo's first triage model (a few seconds).
DEMO_TRAIN_LIMIT = 5000


@dataclass
class KBDemoReport:
    categories_created: int = 0
    articles_created: int = 0
    rules_created: int = 0
    triage_version: int | None = None


def demo_kb_seed(*, train: bool = True) -> KBDemoReport:
    report = KBDemoReport()
    ticket_categories = {c.slug: c for c in Category.objects.all()}
    kb_categories: dict[str, KBCategory] = {}
    for position, (slug, parent, ticket_slug, name_en, name_zh, desc_en, desc_zh) in enumerate(CATEGORIES):
        category, created = KBCategory.objects.get_or_create(
            slug=slug,
            defaults={
                "parent": kb_categories.get(parent) if parent else None,
                "ticket_category": ticket_categories.get(ticket_slug),
                "name_en": name_en,
                "name_zh_hans": name_zh,
                "description_en": desc_en,
                "description_zh_hans": desc_zh,
                "position": position,
            },
        )
        kb_categories[slug] = category
        report.categories_created += created
    existing = set(Article.objects.values_list("translation_key", "language"))
    created_ids = []
    for key, category_slug, tags, internal, zh, en in ARTICLES:
        translation_key = uuid.uuid5(_NAMESPACE, key)
        for language, (title, body) in (("zh-hans", zh), ("en", en)):
            if (translation_key, language) in existing:
                continue
            article = Article(translation_key=translation_key)
            article_save(
                article=article,
                editor=None,
                title=title,
                body=body,
                category=kb_categories[category_slug],
                language=language,
                status=ArticleStatus.PUBLISHED,
                visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
                tags=tags,
                note="seed_demo",
            )
            created_ids.append(article.pk)
    report.articles_created = len(created_ids)
    if created_ids:  # index now: the demo is searchable before a worker runs
        index_rebuild(Article.objects.filter(pk__in=created_ids))
    for slug, threshold in AUTO_ANSWERABLE.items():
        if slug in ticket_categories:
            _, created = AutoAnswerRule.objects.get_or_create(
                category=ticket_categories[slug], defaults={"is_auto_answerable": True, "min_confidence": threshold}
            )
            report.rules_created += created
    if train and not TriageModel.objects.filter(is_active=True).exists():
        result = triage_train_from_tickets(limit=DEMO_TRAIN_LIMIT)
        version = result.get("category_version")
        report.triage_version = int(version) if version is not None else None
    return report
