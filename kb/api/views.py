"""The knowledge-base API (read-only) for integrations: the chat widget searches the help
center before offering a ticket. Anyone may read published public articles; agents also
read internal ones. Drafts never appear."""

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets

from ..models import Article
from ..permissions import can_read_internal
from ..search import search_ids
from ..selectors import article_list_visible
from .serializers import ArticleDetailOutputSerializer, ArticleOutputSerializer, ArticleSearchInputSerializer

SEARCH_LIMIT = 100


@extend_schema_view(
    list=extend_schema(
        summary="List or search articles",
        parameters=[
            OpenApiParameter("q", str, description="Search words (Chinese or English); best matches first."),
            OpenApiParameter("language", str, enum=["zh-hans", "en"]),
        ],
    ),
    retrieve=extend_schema(summary="An article with its rendered body"),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> type:
        return ArticleDetailOutputSerializer if self.action == "retrieve" else ArticleOutputSerializer

    def get_queryset(self) -> QuerySet[Article]:
        articles = article_list_visible(actor=self.request.user).prefetch_related("tags")
        if self.action != "list":
            return articles
        params = ArticleSearchInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        language = params.validated_data.get("language")
        if language:
            articles = articles.filter(language=language)
        query = params.validated_data["q"].strip()
        if not query:
            return articles.order_by("-updated_at", "-pk")
        hits = search_ids(
            query, internal=can_read_internal(self.request.user), limit=SEARCH_LIMIT, language=language
        ).hits
        ranking = Case(
            *[When(pk=pk, then=Value(rank)) for rank, (pk, _score) in enumerate(hits)],
            output_field=IntegerField(),
        )
        return articles.filter(pk__in=[pk for pk, _ in hits]).annotate(rank=ranking).order_by("rank")
