from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kb.models import ArticleFeedback, ArticleVisit, SearchQuery, VisitSource
from kb.selectors import help_center_deflection
from kb.tests.factories import KBCategoryFactory, article

pytestmark = pytest.mark.django_db


def test_home_lists_categories_popular_and_recent_articles_in_the_readers_language(anon_client):
    # given
    parent = KBCategoryFactory(slug="payment", name_en="Payment", name_zh_hans="支付")
    child = KBCategoryFactory(slug="invoices", name_en="Invoices", name_zh_hans="发票", parent=parent)
    article("How to get an invoice", "Open your orders.", category=child)
    article("如何开具发票", "打开订单页面。", category=child, language="zh-hans")
    # when
    response = anon_client.get(reverse("help:home"))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert "Payment" in text
    assert "Invoices" in text
    assert "How to get an invoice" in text
    assert "如何开具发票" not in text
    assert reverse("help:search") in text
    zh = anon_client.get(reverse("help:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "如何开具发票" in zh


@pytest.mark.parametrize("rows", [1, 8])
def test_home_reads_no_article_bodies_in_a_constant_number_of_queries(anon_client, django_assert_num_queries, rows):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parent = KBCategoryFactory(slug="payment")
    for n in range(rows):
        child = KBCategoryFactory(slug=f"sub-{n}", parent=parent)
        article(f"Invoice {n}", "A long body " * 200, category=child)
    anon_client.get(reverse("help:home"))
    cache.clear()  # what an uncached home reads
    with CaptureQueriesContext(connection) as queries:
        anon_client.get(reverse("help:home"))
    # categories, their subcategories, popular, recent (no ticket topics while there are categories)
    assert len(queries.captured_queries) == 4
    assert not any(
        '"body' in q["sql"] for q in queries.captured_queries if "kb_article" in q["sql"].split("FROM")[1][:20]
    )
    with django_assert_num_queries(0):  # then a visitor's home is served from the cache
        assert anon_client.get(reverse("help:home")).status_code == 200


def _csrf_and_nonce(response) -> tuple[str, str]:
    import re

    text = response.content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', text))
    tokens |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', text))
    nonces = set(re.findall(r'<script[^>]* nonce="([^"]+)"', text))
    assert len(tokens) == 1, tokens
    assert len(nonces) == 1, nonces
    return tokens.pop(), nonces.pop()


def test_cached_home_carries_each_visitors_own_csrf_token_and_csp_nonce(anon_client, django_assert_num_queries):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    from kb.cache import CSRF_MARKER, NONCE_MARKER

    article("How to get an invoice", "Open your orders.")
    first = anon_client.get(reverse("help:home"))
    other = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        second = other.get(reverse("help:home"))
    again = other.get(reverse("help:home"))
    for response in (first, second, again):
        text = response.content.decode()
        assert CSRF_MARKER not in text
        assert NONCE_MARKER not in text
        token, nonce = _csrf_and_nonce(response)
        # the nonce is the one the Content-Security-Policy header allows
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        assert "Accept-Language" in response.headers["Vary"]
        assert "Cookie" in response.headers["Vary"]
    # each visitor's token is made from their own CSRF cookie, so their language form works
    for client, response in ((anon_client, first), (other, second), (other, again)):
        secret = client.cookies["csrftoken"].value
        assert _unmask_cipher_token(_csrf_and_nonce(response)[0]) == secret
    assert _csrf_and_nonce(first)[1] != _csrf_and_nonce(second)[1]
    form = {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": _csrf_and_nonce(again)[0]}
    assert other.post(reverse("set_language"), form).status_code == 302
    assert other.post(reverse("set_language"), {**form, "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_an_article_edit_shows_on_the_cached_home_at_once(anon_client):
    from kb.services import article_save

    saved = article("How to get an invoice", "Open your orders.")
    assert "How to get an invoice" in anon_client.get(reverse("help:home")).content.decode()
    article_save(
        article=saved, editor=None, title="Invoices, step by step", body=saved.body, category=saved.category,
        language=saved.language, status=saved.status, visibility=saved.visibility,
    )  # fmt: skip
    text = anon_client.get(reverse("help:home")).content.decode()
    assert "Invoices, step by step" in text
    assert "How to get an invoice" not in text
    saved.category.name_en = "Billing and invoices"
    saved.category.save()
    assert "Billing and invoices" in anon_client.get(reverse("help:home")).content.decode()
    saved.delete()
    assert "Invoices, step by step" not in anon_client.get(reverse("help:home")).content.decode()


def test_the_cached_home_is_per_language(anon_client):
    category = KBCategoryFactory(slug="payment", name_en="Payment", name_zh_hans="支付")
    article("How to get an invoice", "Open your orders.", category=category)
    article("如何开具发票", "打开订单页面。", category=category, language="zh-hans")
    for _ in range(2):
        en = anon_client.get(reverse("help:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        zh = anon_client.get(reverse("help:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "How to get an invoice" in en
        assert "如何开具发票" not in en
        assert 'lang="en"' in en
        assert "如何开具发票" in zh
        assert "How to get an invoice" not in zh
        assert 'lang="zh-hans"' in zh


def test_a_signed_in_customer_never_gets_the_visitors_cached_home(anon_client, customer_a, customer_a_client):
    article("How to get an invoice", "Open your orders.")
    visitor = anon_client.get(reverse("help:home")).content.decode()  # cached now
    assert 'data-testid="who"' not in visitor
    mine = customer_a_client.get(reverse("help:home")).content.decode()
    assert "How to get an invoice" in mine  # the lists, from the cache too
    assert f'<span class="who" data-testid="who">{customer_a.name}</span>' in mine
    assert 'data-testid="my-orders"' in mine
    assert 'data-testid="nps-banner-slot"' in mine
    assert customer_a_client.get(reverse("help:home")).headers["Cache-Control"] == "no-store, private"
    # and the visitor's page never holds what the customer saw
    assert customer_a.name not in anon_client.get(reverse("help:home")).content.decode()


def test_agents_see_internal_articles_on_the_home_whatever_visitors_have_cached(anon_client, tier1_client):
    article("Refund desk steps", "Check the order first.", visibility="internal")
    article("Refund policy", "Within seven days.")
    for _ in range(2):
        assert "Refund desk steps" not in anon_client.get(reverse("help:home")).content.decode()
        assert "Refund desk steps" in tier1_client.get(reverse("help:home")).content.decode()


def test_a_visitor_with_a_message_waiting_or_a_query_string_gets_a_page_of_their_own(anon_client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    article("How to get an invoice", "Open your orders.")
    anon_client.get(reverse("help:home"))  # cached
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.INFO, "You were signed out.")
    response = anon_client.get("/")
    storage.update(response)
    anon_client.cookies["messages"] = response.cookies["messages"].value
    assert "You were signed out." in anon_client.get(reverse("help:home")).content.decode()
    assert "You were signed out." not in anon_client.get(reverse("help:home")).content.decode()  # shown once
    text = anon_client.get(reverse("help:home") + "?utm_source=mail").content.decode()
    assert 'name="next" type="hidden" value="/?utm_source=mail"' in text


def test_category_page_lists_its_articles_and_its_subcategories(anon_client):
    parent = KBCategoryFactory(slug="access", name_en="Access")
    child = KBCategoryFactory(slug="playback", name_en="Playback", parent=parent)
    article("Video will not play", "Clear the cache.", category=child)
    response = anon_client.get(reverse("help:category-detail", kwargs={"slug": "access"}))
    assert "Video will not play" in response.content.decode()
    assert "Playback" in response.content.decode()
    assert anon_client.get(reverse("help:category-detail", kwargs={"slug": "nope"})).status_code == 404


def test_a_category_with_only_internal_articles_is_hidden_from_customers(anon_client, customer_a_client, tier1_client):
    # given the agents' handbook (internal articles only) beside a public category
    handbook = KBCategoryFactory(slug="agent-handbook", name_en="Agent handbook")
    article("Refund desk steps", "Check the order first.", category=handbook, visibility="internal")
    public = KBCategoryFactory(slug="payment", name_en="Payment")
    article("Refund policy", "Within seven days.", category=public)
    url = reverse("help:category-detail", kwargs={"slug": "agent-handbook"})
    # then customers and visitors neither see it listed nor open it
    for client in (anon_client, customer_a_client):
        home = client.get(reverse("help:home")).content.decode()
        assert "Payment" in home
        assert "Agent handbook" not in home
        assert client.get(url).status_code == 404
    # and agents do
    assert "Agent handbook" in tier1_client.get(reverse("help:home")).content.decode()
    assert tier1_client.get(url).status_code == 200


def test_article_page_counts_the_visit_and_shows_related_articles_and_the_ticket_link(anon_client):
    category = KBCategoryFactory()
    main = article("Refund policy", "Within seven days.", category=category)
    article("Refund status", "Check your orders.", category=category)
    response = anon_client.get(reverse("help:article-detail", kwargs={"pk": main.pk}))
    text = response.content.decode()
    assert "Refund status" in text
    assert reverse("help:ticket-new") in text
    main.refresh_from_db()
    assert main.view_count == 1
    assert ArticleVisit.objects.get().source == VisitSource.BROWSE


def test_feedback_is_recorded_once_per_visitor_and_can_be_changed(anon_client):
    # given
    saved = article("Refund policy", "Within seven days.")
    url = reverse("help:article-feedback", kwargs={"pk": saved.pk})
    # when
    first = anon_client.post(url, {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    anon_client.post(url, {"helpful": "no", "comment": "Missing the exact steps"}, HTTP_HX_REQUEST="true")
    # then
    assert first.status_code == 200
    assert "Thank you" in first.content.decode()
    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful is False
    assert feedback.comment == "Missing the exact steps"
    saved.refresh_from_db()
    assert (saved.helpful_count, saved.not_helpful_count) == (0, 1)


def test_feedback_without_an_answer_is_refused_with_the_form(anon_client):
    saved = article("Refund policy", "Within seven days.")
    url = reverse("help:article-feedback", kwargs={"pk": saved.pk})
    response = anon_client.post(url, {"helpful": "maybe", "comment": "kept"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "kept" in response.content.decode()
    assert not ArticleFeedback.objects.exists()
    page = anon_client.post(url, {"comment": "kept"})
    assert page.status_code == 400
    assert "Refund policy" in page.content.decode()


def test_search_page_highlights_matches_and_paginates(anon_client):
    category = KBCategoryFactory()
    for n in range(12):
        article(f"视频无法播放 {n}", "请清除缓存后重新播放课程视频。", category=category, language="zh-hans")
    response = anon_client.get(reverse("help:search"), {"q": "视频播放"})
    text = response.content.decode()
    assert "<mark>视频</mark>" in text
    assert "12 articles found" in text
    assert "Page 1 of 2" in text
    second = anon_client.get(reverse("help:search"), {"q": "视频播放", "page": "2"}).content.decode()
    assert "Page 2 of 2" in second
    assert anon_client.get(reverse("help:search"), {"q": "视频播放", "page": "x"}).status_code == 200


def test_search_shows_the_corrected_query(anon_client):
    article("Membership renewal", "Renew your membership before it expires.")
    text = anon_client.get(reverse("help:search"), {"q": "membreship"}).content.decode()
    assert "membership" in text.lower()
    assert "Showing results for" in text


def test_ticket_form_suggests_articles_while_typing(anon_client):
    saved = article("How to request a refund", "Open My orders.")
    form = anon_client.get(reverse("help:ticket-new")).content.decode()
    assert 'hx-get="/suggest/"' in form
    assert 'id="kb-suggestions"' in form
    response = anon_client.get(reverse("help:suggest"), {"subject": "refund please"}, HTTP_HX_REQUEST="true")
    assert f"/articles/{saved.pk}/?from=suggestion" in response.content.decode()
    assert "article" not in anon_client.get(reverse("help:suggest"), {"subject": "x"}).content.decode().lower()


def test_suggestion_opened_then_ticket_submitted_is_not_a_deflection(anon_client):
    # given
    opened = article("How to request a refund", "Open My orders.")
    anon_client.get(reverse("help:article-detail", kwargs={"pk": opened.pk}) + "?from=suggestion")
    start = timezone.now() - timedelta(hours=1)
    before = help_center_deflection(start=start, end=timezone.now() + timedelta(hours=1))
    # when
    anon_client.post(
        reverse("help:ticket-new"),
        {"name": "Li Lei", "email": "li.lei@example.com", "subject": "Refund", "message": "Please refund me."},
    )
    after = help_center_deflection(start=start, end=timezone.now() + timedelta(hours=1))
    # then
    assert before["suggestion_opens"] == 1
    assert before["suggestions_deflected"] == 1
    assert before["suggestion_deflection_rate"] == 1.0
    assert after["suggestions_deflected"] == 0
    assert after["suggestion_deflection_rate"] == 0.0
    assert ArticleVisit.objects.get().ticket is not None


def test_deflection_without_visits_is_no_data():
    now = timezone.now()
    figures = help_center_deflection(start=now - timedelta(days=1), end=now)
    assert figures["article_views"] == 0
    assert figures["view_deflection_rate"] is None
    assert figures["suggestion_deflection_rate"] is None


def test_home_and_search_render_in_chinese(anon_client):
    article("如何申请退款", "在订单页申请。", language="zh-hans")
    response = anon_client.get(reverse("help:search"), {"q": "退款"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "<mark>退款</mark>" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 10])
def test_search_and_category_pages_make_a_constant_number_of_queries(anon_client, django_assert_num_queries, rows):
    # given an index already loaded by a first search
    category = KBCategoryFactory(slug="constant")
    for n in range(rows):
        article(f"Refund step {n}", "Open My orders and request a refund.", category=category)
    anon_client.get(reverse("help:search"), {"q": "refund"})
    # when / then: the same queries whatever the number of results; recording the search
    # is the worker's (eager here, so its queries run inside the request: left out)
    with CaptureQueriesContext(connection) as queries:
        anon_client.get(reverse("help:search"), {"q": "refund"})
    page = [query["sql"] for query in queries.captured_queries if "kb_searchquery" not in query["sql"]]
    assert len(page) == 2, page  # index freshness, the page's articles
    assert len(page) < len(queries.captured_queries)
    with django_assert_num_queries(4):  # category, count, articles, subcategories
        anon_client.get(reverse("help:category-detail", kwargs={"slug": "constant"}))


def test_article_page_links_to_its_other_language_version_when_the_reader_may_read_it(anon_client, tier1_client):
    # given
    category = KBCategoryFactory()
    english = article("Refund policy", "Within seven days.", category=category)
    chinese = article("退款政策", "七天内可退。", category=category, language="zh-hans")
    chinese.translation_key = english.translation_key
    chinese.save(update_fields=["translation_key"])
    internal = article("Refund desk steps", "Check the order first.", category=category, visibility="internal")
    internal_zh = article("退款处理步骤", "先核对订单。", category=category, language="zh-hans", visibility="internal")
    internal_zh.translation_key = internal.translation_key
    internal_zh.save(update_fields=["translation_key"])
    lonely = article("Certificates", "Finish every lesson.", category=category)
    # when
    page = anon_client.get(reverse("help:article-detail", kwargs={"pk": english.pk})).content.decode()
    back = anon_client.get(reverse("help:article-detail", kwargs={"pk": chinese.pk})).content.decode()
    alone = anon_client.get(reverse("help:article-detail", kwargs={"pk": lonely.pk})).content.decode()
    agents = tier1_client.get(reverse("help:article-detail", kwargs={"pk": internal.pk})).content.decode()
    # then
    chinese_url = reverse("help:article-detail", kwargs={"pk": chinese.pk})
    assert f'<link rel="alternate" hreflang="zh-hans" href="{chinese_url}">' in page
    assert f'href="{chinese_url}" hreflang="zh-hans" lang="zh-hans">中文: 退款政策</a>' in page
    assert f'href="{reverse("help:article-detail", kwargs={"pk": english.pk})}" hreflang="en"' in back
    assert 'data-testid="kb-translations"' not in alone
    assert "退款处理步骤" in agents


def test_a_draft_translation_is_not_linked(anon_client):
    english = article("Refund policy", "Within seven days.")
    draft = article("退款政策", "七天内可退。", language="zh-hans", status="draft")
    draft.translation_key = english.translation_key
    draft.save(update_fields=["translation_key"])
    page = anon_client.get(reverse("help:article-detail", kwargs={"pk": english.pk})).content.decode()
    assert "退款政策" not in page


def test_a_customers_search_is_recorded_and_the_article_opened_from_its_results_is_its_click(anon_client, tier1_client):
    # given
    opened = article("How to request a refund", "Open My orders and request a refund.")
    # when: a customer searches, then opens a result
    response = anon_client.get(reverse("help:search"), {"q": "  Refund   PLEASE "})
    record = SearchQuery.objects.get()
    link = reverse("help:article-detail", kwargs={"pk": opened.pk}) + f"?from=search&amp;search={record.token}"
    assert link in response.content.decode()
    assert (record.query, record.results, record.language, record.clicked_at) == ("refund please", 1, "en", None)
    anon_client.get(
        reverse("help:article-detail", kwargs={"pk": opened.pk}), {"from": "search", "search": str(record.token)}
    )
    # then
    record.refresh_from_db()
    assert record.clicked_article == opened
    assert record.clicked_at is not None
    # a search finding nothing is recorded too; a second page, an agent's search and an
    # edited token are not, and break nothing
    anon_client.get(reverse("help:search"), {"q": "become a teacher"})
    assert SearchQuery.objects.get(query="become a teacher").results == 0
    anon_client.get(reverse("help:search"), {"q": "refund", "page": "2"})
    tier1_client.get(reverse("help:search"), {"q": "refund"})
    assert SearchQuery.objects.count() == 2
    page = anon_client.get(reverse("help:article-detail", kwargs={"pk": opened.pk}), {"from": "search", "search": "x"})
    assert page.status_code == 200


def test_search_page_still_answers_when_the_broker_is_down_and_stops_asking_it_for_a_while(
    anon_client, settings, monkeypatch
):
    # given: a broker refusing connections (the edge of the world)
    from kb import services
    from kb.tasks import search_record_task

    article("How to request a refund", "Open My orders and request a refund.")
    settings.HELPDESK_EVENT_ERRORS_PROPAGATE = False
    refused = []

    def refuse(*args, **kwargs):
        refused.append(kwargs)
        raise OSError("connection refused")

    monkeypatch.setattr(search_record_task, "apply_async", refuse)
    monkeypatch.setattr(services, "_search_broker_down_until", 0.0)
    monkeypatch.setattr(services, "SEARCH_BROKER_RETRY_SECONDS", 3600.0)
    # when
    responses = [anon_client.get(reverse("help:search"), {"q": "refund"}) for _ in range(3)]
    # then
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert "1 article found" in responses[-1].content.decode()
    assert len(refused) == 1
    assert not SearchQuery.objects.exists()
