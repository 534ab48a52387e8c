"""Help center pages (the customer's surface at /): home, categories, articles with
"was this helpful?", search, and the ticket form's article suggestions (htmx).

Open to everyone; agents also read internal articles. Drafts never show here.
"""

import uuid
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from accounts.selectors import customer_purchases_own
from tickets.models import Category

from ..cache import HOME_CACHE_SECONDS, home_lists_key, home_page_context, home_page_fill, home_page_key
from ..forms import FeedbackForm
from ..models import Article, VisitSource
from ..permissions import can_read_internal
from ..selectors import (
    article_get_visible,
    article_list_visible,
    article_related,
    article_search,
    article_translations,
    category_articles,
    category_children_visible,
    category_get,
    category_tree,
    current_language,
)
from ..services import (
    KBError,
    article_feedback_record,
    article_visit_record,
    search_click_record,
    search_record_later,
)

HOME_LIST_SIZE = 6
CATEGORY_PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 10
SUGGESTIONS = 5
QUERY_MAX_LENGTH = 200


def _session_key(request: HttpRequest) -> str:
    """The visitor's session key, creating the session if needed (anonymous visitors too),
    so visits and feedback can be told apart per visitor."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


class HelpHomeView(TemplateView):
    """Categories, popular and recently updated articles, the search box. Signed-in
    customers also see what they bought and their progress.

    The lists are cached per language and audience, and the whole page as an anonymous
    visitor sees it per language (``kb.cache``): a visitor's request reads no table."""

    template_name = "kb/help/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self._anonymous_page(request):
            return super().get(request, *args, **kwargs)
        key = home_page_key(language=current_language())
        text = cache.get(key)
        if text is None:
            response = self.render_to_response({**self.get_context_data(**kwargs), **home_page_context()})
            text = response.render().content.decode()
            cache.set(key, text, timeout=HOME_CACHE_SECONDS)
        return HttpResponse(home_page_fill(request, text))

    @staticmethod
    def _anonymous_page(request: HttpRequest) -> bool:
        """Whether this request gets the page every visitor gets: not signed in, the plain
        address (the language form sends back the full path), no message waiting."""
        return (
            not request.user.is_authenticated
            and not request.GET
            and request.method in ("GET", "HEAD")
            and not len(get_messages(request))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        language = current_language()
        orders, enrollments = customer_purchases_own(actor=user)
        internal = can_read_internal(user)
        key = home_lists_key(language=language, internal=internal)
        lists = cache.get(key)
        if lists is None:
            # The lists link titles only: no article bodies (Markdown and HTML) are read.
            visible = (
                article_list_visible(actor=user)
                .filter(language=language)
                .select_related(None)
                .only("pk", "title", "updated_at")
            )
            categories = category_tree(actor=user, language=language)
            for category in categories:
                # Their subcategories are read (visible_children); the prefetched queryset
                # would be pickled with its subquery, which pickling evaluates.
                category.__dict__.pop("_prefetched_objects_cache", None)
            lists = {
                "categories": categories,
                "popular": list(visible.order_by("-view_count", "-pk")[:HOME_LIST_SIZE]),
                "recent": list(visible.order_by("-updated_at", "-pk")[:HOME_LIST_SIZE]),
                # The ticket categories stand in only while the knowledge base has no category.
                "topics": [] if categories else list(Category.objects.filter(is_active=True)),
            }
            cache.set(key, lists, timeout=HOME_CACHE_SECONDS)
        context.update(lists, orders=orders, enrollments=enrollments)
        return context


class CategoryDetailView(TemplateView):
    template_name = "kb/help/category.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        category = category_get(slug=self.kwargs["slug"])
        language = current_language()
        articles = category_articles(actor=self.request.user, category=category, language=language)
        page = Paginator(articles, CATEGORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        subcategories = category_children_visible(actor=self.request.user, category=category, language=language)
        if not page.paginator.count and not subcategories:
            # Nothing here this reader may read (an internal category, for a customer).
            raise Http404
        context.update(
            category=category,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            articles=page.object_list,
            subcategories=subcategories,
        )
        return context


class ArticleDetailView(View):
    """The article; counts the visit (``?from=suggestion`` when opened from the ticket form)."""

    template_name = "kb/help/article.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = article_get_visible(actor=request.user, pk=pk)
        source = VisitSource.SUGGESTION if request.GET.get("from") == "suggestion" else VisitSource.BROWSE
        article_visit_record(article=article, session_key=_session_key(request), user=request.user, source=source)
        if request.GET.get("from") == "search" and request.GET.get("search"):
            search_click_record(token=request.GET["search"], article=article)
        return render(request, self.template_name, article_page_context(request, article, FeedbackForm()))


def article_page_context(request: HttpRequest, article: Article, feedback_form: FeedbackForm) -> dict[str, Any]:
    """What the article page shows around the article, also when feedback is sent back with errors."""
    return {
        "article": article,
        "related": article_related(actor=request.user, article=article),
        "translations": article_translations(actor=request.user, article=article),
        "feedback_form": feedback_form,
        "feedback_given": None,
    }


class ArticleFeedbackView(View):
    """POST "was this helpful?". htmx requests get the feedback card back."""

    http_method_names = ["post"]
    partial_template_name = "kb/help/_feedback.html"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = article_get_visible(actor=request.user, pk=pk)
        form = FeedbackForm(request.POST)
        given = None
        if form.is_valid():
            try:
                given = article_feedback_record(
                    article=article,
                    helpful=form.cleaned_data["helpful"],
                    comment=form.cleaned_data["comment"],
                    session_key=_session_key(request),
                    user=request.user,
                )
            except KBError as exc:
                form.add_error(None, exc.message)
        context = {"article": article, "feedback_form": form, "feedback_given": given}
        if request.htmx:
            return render(request, self.partial_template_name, context, status=200 if given else 400)
        if given is None:
            return render(
                request, ArticleDetailView.template_name, article_page_context(request, article, form), status=400
            )
        return redirect("help:article-detail", pk=pk)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        return 1


class SearchView(View):
    template_name = "kb/help/search.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
        results = None
        token = None
        if query:
            page = _page_number(request)
            results = article_search(actor=request.user, query=query, page=page, per_page=SEARCH_PAGE_SIZE)
            # Customers' first pages are recorded (by a worker) for content gaps; the
            # result links carry the token, so opening one counts as the search's click.
            if page == 1 and not can_read_internal(request.user):
                token = uuid.uuid4()
                search_record_later(token=token, query=query, results=results.total, language=current_language())
        return render(request, self.template_name, {"query": query, "results": results, "search_token": token})


class SuggestView(View):
    """The ticket form's suggestions while the customer types a subject (htmx partial)."""

    template_name = "kb/help/_suggestions.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        query = (request.GET.get("subject") or request.GET.get("q") or "").strip()[:QUERY_MAX_LENGTH]
        hits = []
        if len(query) >= 2:
            hits = article_search(actor=request.user, query=query, per_page=SUGGESTIONS).hits
        return render(request, self.template_name, {"query": query, "hits": hits})
