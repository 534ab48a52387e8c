from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.events import task_enqueue

from .models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    AutoAnswerRule,
    KBCategory,
    Language,
    Tag,
    TriageModel,
)
from .services import article_revision_restore, article_save
from .tasks import triage_retrain_task


@admin.register(KBCategory)
class KBCategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_zh_hans", "parent", "ticket_category", "position"]
    list_editable = ["position"]
    list_filter = ["parent"]
    search_fields = ["slug", "name_en", "name_zh_hans"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ["number", "title", "editor", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Saving goes through ``kb.services.article_save``: rendering, a revision, re-indexing."""

    list_display = [
        "title",
        "language",
        "category",
        "status",
        "visibility",
        "view_count",
        "helpful_count",
        "updated_at",
    ]
    list_filter = ["status", "visibility", "language", "category"]
    search_fields = ["title", "body"]
    filter_horizontal = ["tags", "related_courses"]
    readonly_fields = [
        "translations",
        "view_count",
        "helpful_count",
        "not_helpful_count",
        "published_at",
        "updated_at",
        "author",
    ]
    fields = [
        "title",
        "language",
        "translation_key",
        "category",
        "status",
        "visibility",
        "summary",
        "body",
        "tags",
        "related_courses",
        *readonly_fields,
    ]
    inlines = [RevisionInline]

    @admin.display(description=gettext_lazy("Other languages"))
    def translations(self, obj: Article) -> str:
        """Links to this article's other language versions, and to add the missing ones
        (the add form comes filled with the translation key, the language and the category)."""
        if obj.pk is None:
            return "—"
        others = {
            other.language: other
            for other in Article.objects.filter(translation_key=obj.translation_key)
            .exclude(pk=obj.pk)
            .only("pk", "language", "title")
        }
        existing = format_html_join(
            " · ",
            '<a href="{}">{}: {}</a>',
            (
                (reverse("admin:kb_article_change", args=[other.pk]), other.get_language_display(), other.title)
                for other in others.values()
            ),
        )
        missing = format_html_join(
            " · ",
            '<a href="{}?{}">{}</a>',
            (
                (
                    reverse("admin:kb_article_add"),
                    urlencode({"translation_key": obj.translation_key, "language": code, "category": obj.category_id}),
                    _("Add the %(language)s version") % {"language": label},
                )
                for code, label in Language.choices
                if code != obj.language and code not in others
            ),
        )
        return format_html("{}{}{}", existing, " · " if existing and missing else "", missing) or "—"

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = article_save(
            article=obj,
            editor=request.user,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            language=data["language"],
            status=data["status"],
            visibility=data["visibility"],
            summary=data.get("summary", ""),
            tags=[tag.name for tag in data.get("tags", [])],
            related_courses=data.get("related_courses"),
        )
        form.instance = saved


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "title", "editor", "note", "created_at"]
    list_filter = ["article__language"]
    search_fields = ["article__title", "title"]
    readonly_fields = ["article", "number", "title", "body", "editor", "note", "created_at"]
    actions = ["restore"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Restore the selected revision"), permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet[ArticleRevision]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one revision to restore."), messages.ERROR)
            return
        revision = queryset.get()
        article_revision_restore(revision=revision, editor=request.user)
        self.message_user(
            request,
            _("“%(title)s” is back to revision %(number)s.") % {"title": revision.title, "number": revision.number},
        )


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "comment", "created_at"]
    list_filter = ["helpful"]
    readonly_fields = ["article", "helpful", "comment", "user", "session_key", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AutoAnswerRule)
class AutoAnswerRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "is_auto_answerable", "min_confidence"]
    list_editable = ["is_auto_answerable", "min_confidence"]


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin):
    list_display = ["target", "version", "pipeline", "accuracy", "macro_f1", "train_size", "test_size", "is_active"]
    list_filter = ["target", "is_active"]
    exclude = ["payload"]
    readonly_fields = [
        "target",
        "version",
        "pipeline",
        "train_size",
        "test_size",
        "accuracy",
        "macro_f1",
        "labels",
        "created_at",
    ]
    actions = ["retrain"]
    change_list_template = "admin/kb/triagemodel/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        retrain = path("retrain/", self.admin_site.admin_view(self.retrain_view), name="kb_triagemodel_retrain")
        return [retrain, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_retrain": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def retrain_view(self, request: HttpRequest) -> HttpResponse:
        """POST: retrain now, even before a first model exists (the button above the list)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        self.retrain(request, TriageModel.objects.none())
        return redirect("admin:kb_triagemodel_changelist")

    @admin.action(description=gettext_lazy("Retrain the triage models now"), permissions=["change"])
    def retrain(self, request: HttpRequest, queryset: QuerySet[TriageModel]) -> None:
        task_enqueue(triage_retrain_task)
        self.message_user(request, _("Retraining has started; the new versions appear here when it is done."))
