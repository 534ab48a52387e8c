"""Knowledge base: categories (two levels), articles with their revisions and feedback,
the persisted search index, help-center visits (for deflection), the triage model and
the auto-answer rules.

Writes go through ``kb.services``; this module holds fields, constraints and facts derived
from one row.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "中文"
    EN = "en", "English"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (agents only)")


class KBCategory(models.Model):
    """A help-center section. Two levels: a top category and its subcategories.
    ``ticket_category`` links it to the ticket category whose questions it answers."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh_hans = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    ticket_category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kb_categories",
        verbose_name=_("ticket category"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("knowledge-base category")
        verbose_name_plural = _("knowledge-base categories")
        ordering = ["position", "slug"]
        constraints = [models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="kbcategory_not_own_parent")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is not None and self.parent is not None and self.parent.parent_id is not None:
            raise ValidationError({"parent": _("Categories have two levels: choose a top-level parent.")})

    @property
    def name(self) -> str:
        return self.name_zh_hans if (get_language() or "en").startswith("zh") else self.name_en

    @property
    def description(self) -> str:
        return self.description_zh_hans if (get_language() or "en").startswith("zh") else self.description_en


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """One article in one language. Translations of the same article share
    ``translation_key``. ``body_html`` is the sanitized rendering of ``body``."""

    translation_key = models.UUIDField(_("translation key"), default=uuid.uuid4, db_index=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body (Markdown)"))
    body_html = models.TextField(_("body (HTML)"), blank=True, editable=False)
    category = models.ForeignKey(
        KBCategory, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    related_courses = models.ManyToManyField(
        "accounts.Course", blank=True, related_name="kb_articles", verbose_name=_("related courses")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kb_articles",
        verbose_name=_("author"),
    )
    view_count = models.PositiveIntegerField(_("views"), default=0)
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("not helpful"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The search index, persisted with the article: {term: weight} of its title and body
    # (``kb.search``), written by a Celery task when the article is saved; empty for drafts.
    search_document = models.JSONField(_("search terms"), default=dict, blank=True, editable=False)
    indexed_at = models.DateTimeField(_("indexed at"), null=True, blank=True, editable=False, db_index=True)
    # Sentence embeddings of the article's chunks (``kb.embeddings``: float16, 512 per
    # chunk), written with ``search_document``: search re-scores by meaning with them.
    search_vectors = models.BinaryField(_("search vectors"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "visibility", "language", "-updated_at"], name="article_listing_idx"),
            models.Index(fields=["status", "visibility", "-view_count"], name="article_popular_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["translation_key", "language"], name="article_one_per_language"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.visibility == Visibility.PUBLIC


class ArticleRevision(models.Model):
    """What an article said after each save, and who saved it. Restoring one makes a new
    revision with its content."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kb_revisions",
        verbose_name=_("editor"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleFeedback(models.Model):
    """ "Was this helpful?": one answer per visitor session and article (the last counts)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article"))
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    session_key = models.CharField(_("session"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "session_key"], name="feedback_one_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class VisitSource(models.TextChoices):
    BROWSE = "browse", _("Browsing or search")
    SUGGESTION = "suggestion", _("Ticket-form suggestion")


class ArticleVisit(models.Model):
    """An article opened in the help center. ``ticket`` is set when the same visitor
    session submitted a ticket afterwards: a visit without one is a deflection."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="visits", verbose_name=_("article"))
    source = models.CharField(_("source"), max_length=12, choices=VisitSource.choices, default=VisitSource.BROWSE)
    session_key = models.CharField(_("session"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kb_visits",
        verbose_name=_("ticket submitted afterwards"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("article visit")
        verbose_name_plural = _("article visits")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at", "source"], name="visit_period_idx"),
            models.Index(fields=["session_key", "created_at"], name="visit_session_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.source}"


class SearchQuery(models.Model):
    """A search of the help center (first page of results), and the article opened from
    its results, if any: searches without a click or without a result are content gaps
    (``kb.gaps``). Written by a worker (``kb.tasks.search_record_task``), so the search
    page itself runs no write; ``token`` ties the click to the search."""

    token = models.UUIDField(_("token"), unique=True)
    query = models.CharField(_("query"), max_length=200)
    results = models.PositiveIntegerField(_("results"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    clicked_article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("article opened"),
    )
    clicked_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("help-center search")
        verbose_name_plural = _("help-center searches")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="search_query_period_idx")]

    def __str__(self) -> str:
        return self.query


# ---------------------------------------------------------------------------
# Triage model and auto-answer configuration
# ---------------------------------------------------------------------------


class TriageTarget(models.TextChoices):
    CATEGORY = "category", _("Category")
    PRIORITY = "priority", _("Priority")


class TriageModel(models.Model):
    """A trained scikit-learn pipeline (joblib bytes), with its version and evaluation
    figures. The newest active row per target is the one in use."""

    target = models.CharField(_("predicts"), max_length=10, choices=TriageTarget.choices)
    version = models.PositiveIntegerField(_("version"))
    pipeline = models.CharField(_("pipeline"), max_length=200)
    payload = models.BinaryField(_("model file"), editable=False)
    train_size = models.PositiveIntegerField(_("training examples"))
    test_size = models.PositiveIntegerField(_("test examples"))
    accuracy = models.FloatField(_("accuracy"), null=True, blank=True)
    macro_f1 = models.FloatField(_("macro F1"), null=True, blank=True)
    labels = models.JSONField(_("labels"), default=list)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["target", "-version"]
        constraints = [models.UniqueConstraint(fields=["target", "version"], name="triage_version_unique")]

    def __str__(self) -> str:
        return f"{self.target} v{self.version}"


class AutoAnswerRule(models.Model):
    """Whether tickets of a category may be answered automatically, and above which
    confidence of the triage model."""

    category = models.OneToOneField(
        "tickets.Category", on_delete=models.CASCADE, related_name="auto_answer_rule", verbose_name=_("category")
    )
    is_auto_answerable = models.BooleanField(_("auto-answerable"), default=False)
    min_confidence = models.FloatField(
        _("confidence threshold"),
        default=0.6,
        help_text=_("Between 0 and 1: the triage model's confidence needed to answer automatically."),
    )

    class Meta:
        verbose_name = _("auto-answer rule")
        verbose_name_plural = _("auto-answer rules")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_confidence__gte=0) & Q(min_confidence__lte=1), name="autoanswer_confidence_0_1"
            )
        ]

    def __str__(self) -> str:
        return str(self.category)
