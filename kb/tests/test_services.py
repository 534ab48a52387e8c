import html
import re

import pytest
from django.urls import reverse

from kb.models import Article, ArticleRevision, KBCategory, TriageModel
from kb.services import KBError, article_revision_restore, article_save
from kb.tests.factories import KBCategoryFactory, article

pytestmark = pytest.mark.django_db


def test_each_save_records_a_revision_and_an_old_one_can_be_restored(tier1_agent, manager):
    # given an article edited twice
    saved = article("Refund policy", "Seven days.")
    article_save(
        article=saved, editor=manager, title="Refund policy", body="Fourteen days.", category=saved.category,
        language="en", status="published",
    )  # fmt: skip
    first = saved.revisions.get(number=1)
    # when the first revision is restored
    restored = article_revision_restore(revision=first, editor=manager)
    # then
    assert restored.body == "Seven days."
    assert "Seven days." in restored.body_html
    assert list(saved.revisions.values_list("number", flat=True)) == [3, 2, 1]
    latest = saved.revisions.get(number=3)
    assert latest.editor == manager
    assert "Restored revision 1" in latest.note


def test_an_article_needs_a_title_and_a_body():
    with pytest.raises(KBError):
        article_save(editor=None, title=" ", body="x", category=KBCategoryFactory(), language="en")


def test_categories_have_two_levels():
    from django.core.exceptions import ValidationError

    top = KBCategoryFactory()
    child = KBCategoryFactory(parent=top)
    grandchild = KBCategory(slug="too-deep", name_en="x", name_zh_hans="x", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()


def test_admin_saves_through_the_service_with_a_revision(manager_client, django_capture_on_commit_callbacks):
    category = KBCategoryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("admin:kb_article_add"),
            {
                "title": "How to get an invoice",
                "language": "en",
                "translation_key": "2b1e4a52-8c1f-4b59-9a49-4d6a0e3f1c11",
                "category": category.pk,
                "status": "published",
                "visibility": "public",
                "summary": "",
                "body": "Open **My orders**.",
                "revisions-TOTAL_FORMS": "0",
                "revisions-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Article.objects.get()
    assert "<strong>My orders</strong>" in saved.body_html
    assert ArticleRevision.objects.filter(article=saved).count() == 1
    assert saved.indexed_at is not None  # the index task ran (eagerly) after commit


def test_admin_links_an_articles_translations_and_offers_to_add_the_missing_one(manager_client):
    # given
    english = article("Refund policy", "Within seven days.")
    change_url = reverse("admin:kb_article_change", args=[english.pk])
    # when: the English article has no Chinese version yet
    page = manager_client.get(change_url).content.decode()
    # then: a link opens the add form filled with the key, the other language and the category
    add_link = re.search(r'href="(/admin/kb/article/add/\?[^"]+)">Add the 中文 version</a>', page)
    assert add_link, page
    form = manager_client.get(html.unescape(add_link.group(1))).content.decode()
    assert f'value="{english.translation_key}"' in form
    assert '<option value="zh-hans" selected>' in form
    assert f'<option value="{english.category_id}" selected>' in form
    # when: that version exists
    chinese = article("退款政策", "七天内可退。", category=english.category, language="zh-hans")
    Article.objects.filter(pk=chinese.pk).update(translation_key=english.translation_key)
    page = manager_client.get(change_url).content.decode()
    # then: it is linked instead
    assert f'<a href="{reverse("admin:kb_article_change", args=[chinese.pk])}">中文: 退款政策</a>' in page
    assert "Add the 中文 version" not in page


def test_admin_restores_a_revision(manager_client):
    saved = article("Refund policy", "Seven days.")
    revision = saved.revisions.get()
    Article.objects.filter(pk=saved.pk).update(body="Changed.")
    response = manager_client.post(
        reverse("admin:kb_articlerevision_changelist"),
        {"action": "restore", "_selected_action": [revision.pk]},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=saved.pk).body == "Seven days."


def test_admin_retrain_action_trains_on_demand(manager_client, triage_tickets, django_capture_on_commit_callbacks):
    from kb.triage import triage_train_from_tickets

    triage_train_from_tickets()
    first = TriageModel.objects.filter(target="category").get()
    with django_capture_on_commit_callbacks(execute=True):  # the task is asked for through the outbox
        response = manager_client.post(
            reverse("admin:kb_triagemodel_changelist"), {"action": "retrain", "_selected_action": [first.pk]}
        )
    assert response.status_code == 302
    assert TriageModel.objects.filter(target="category", version=2, is_active=True).exists()


def test_admin_retrain_button_trains_the_first_models(
    manager_client, triage_tickets, tier1_client, django_capture_on_commit_callbacks
):
    changelist = manager_client.get(reverse("admin:kb_triagemodel_changelist")).content.decode()
    assert reverse("admin:kb_triagemodel_retrain") in changelist
    assert manager_client.get(reverse("admin:kb_triagemodel_retrain")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("admin:kb_triagemodel_retrain"))
    assert response.status_code == 302
    assert TriageModel.objects.filter(is_active=True).count() == 2
    refused = tier1_client.post(reverse("admin:kb_triagemodel_retrain"))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("admin:login"))
    assert TriageModel.objects.count() == 2


def test_recording_a_search_twice_keeps_one_row_and_only_the_first_click_counts(db):
    import uuid
    from datetime import UTC, datetime

    from kb.models import SearchQuery
    from kb.services import search_click_record, search_record
    from kb.tests.factories import article

    token = uuid.uuid4()
    at = datetime(2026, 3, 11, 10, tzinfo=UTC)
    for _ in range(2):  # a task run twice
        search_record(token=token, query=" 发票 咋开 ", results=2, language="zh-hans", created_at=at)
    first, second = article("如何开具发票", "订单页申请。"), article("发票抬头", "可修改。")
    assert search_click_record(token=str(token), article=first)
    assert not search_click_record(token=str(token), article=second)
    assert not search_click_record(token="not-a-token", article=second)
    record = SearchQuery.objects.get()
    assert (record.query, record.results, record.created_at, record.clicked_article) == ("发票 咋开", 2, at, first)
