import pytest

from demo.kb import demo_kb_seed
from kb.models import Article, ArticleStatus, AutoAnswerRule, KBCategory, TriageModel, Visibility
from kb.search import search_ids

pytestmark = pytest.mark.django_db


def test_demo_help_center_has_forty_articles_in_both_languages_and_is_idempotent():
    # when
    first = demo_kb_seed(train=False)
    again = demo_kb_seed(train=False)
    # then
    assert first.articles_created >= 40
    assert again.articles_created == 0
    assert again.categories_created == 0
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    assert published.filter(language="zh-hans").count() >= 20
    assert published.filter(language="en").count() >= 20
    assert KBCategory.objects.filter(parent__isnull=False).exists()
    assert {c.ticket_category.slug for c in KBCategory.objects.filter(ticket_category__isnull=False)} >= {
        "account-login", "payment", "refund", "course-access", "course-content", "certificate-invoice",
        "membership", "complaint",
    }  # fmt: skip
    assert AutoAnswerRule.objects.filter(is_auto_answerable=True).count() == 4
    assert Article.objects.filter(indexed_at__isnull=True).count() == 0
    # and the demo answers real questions
    titles = dict(Article.objects.values_list("pk", "title"))
    assert titles[search_ids("视频一直黑屏").hits[0][0]] == "视频无法播放、一直加载或黑屏怎么办"
    assert titles[search_ids("cancel auto-renewal").hits[0][0]] == "How do I cancel membership auto-renewal?"


def test_demo_trains_a_first_triage_model_on_the_demo_tickets(triage_tickets):
    report = demo_kb_seed(train=True)
    assert report.triage_version == 1
    assert TriageModel.objects.filter(is_active=True).count() == 2
    assert demo_kb_seed(train=True).triage_version is None  # a model exists: not retrained
