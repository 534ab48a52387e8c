import pytest
from django.urls import reverse

from kb.models import ArticleStatus, Visibility
from kb.tests.factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return {
        "public": article("How to request a refund", "Open My orders and request a refund."),
        "internal": article("Refund exceptions", "Tier 2 decides on refunds.", visibility=Visibility.INTERNAL),
        "draft": article("Refund draft", "Refunds soon.", status=ArticleStatus.DRAFT),
        "zh": article("如何申请退款", "在订单页申请退款。", language="zh-hans"),
    }


def _titles(response):
    return [row["title"] for row in response.json()["results"]]


def test_customers_and_anonymous_integrations_see_public_published_articles_only(
    articles, anon_client, customer_a_client
):
    for client in (anon_client, customer_a_client):
        listed = client.get(reverse("api:kb-article-list"))
        searched = client.get(reverse("api:kb-article-list"), {"q": "refund"})
        assert listed.status_code == 200
        assert sorted(_titles(listed)) == ["How to request a refund", "如何申请退款"]
        # the same article in the other language follows (search by meaning is multilingual)
        assert _titles(searched)[0] == "How to request a refund"
        assert set(_titles(searched)) <= {"How to request a refund", "如何申请退款"}
        for hidden in ("internal", "draft"):
            detail = client.get(reverse("api:kb-article-detail", kwargs={"pk": articles[hidden].pk}))
            assert detail.status_code == 404


def test_agents_also_find_internal_articles_never_drafts(articles, tier1_client):
    searched = tier1_client.get(reverse("api:kb-article-list"), {"q": "refund", "language": "en"})
    assert sorted(_titles(searched)) == ["How to request a refund", "Refund exceptions"]
    assert tier1_client.get(reverse("api:kb-article-detail", kwargs={"pk": articles["draft"].pk})).status_code == 404
    detail = tier1_client.get(reverse("api:kb-article-detail", kwargs={"pk": articles["internal"].pk})).json()
    assert "<p>Tier 2 decides on refunds.</p>" in detail["body_html"]


def test_chinese_search_and_bad_input(articles, anon_client):
    assert _titles(anon_client.get(reverse("api:kb-article-list"), {"q": "退款"}))[0] == "如何申请退款"
    assert _titles(anon_client.get(reverse("api:kb-article-list"), {"q": "退款", "language": "zh-hans"})) == [
        "如何申请退款"
    ]
    bad = anon_client.get(reverse("api:kb-article-list"), {"language": "fr"})
    assert bad.status_code == 400
