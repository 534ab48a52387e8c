"""Visibility belongs to the query, not to the index's freshness: an article made internal
or unpublished while its re-indexing waits for the worker never reaches a customer, in
search, in the ticket form's suggestions or in an automatic answer."""

import pytest
from django.urls import reverse

from kb.autoanswer import ticket_suggestions
from kb.models import ArticleStatus, Visibility
from kb.services import article_save
from kb.tests.factories import article
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db

TITLE = "Refund of a membership"


def _change(saved, **changes):
    """Save through the service; its re-index task would run after commit, which a test
    transaction never reaches: the worker is, in effect, stopped."""
    fields = {
        "article": saved,
        "editor": None,
        "title": saved.title,
        "body": saved.body,
        "category": saved.category,
        "language": saved.language,
        "status": saved.status,
        "visibility": saved.visibility,
    }
    return article_save(**{**fields, **changes})


@pytest.mark.parametrize(
    "change", [{"visibility": Visibility.INTERNAL}, {"status": ArticleStatus.DRAFT}], ids=["internal", "draft"]
)
def test_a_hidden_article_leaves_search_and_suggestions_before_it_is_reindexed(anon_client, customer_a, change):
    # given: a public article, indexed
    saved = article(TITLE, "Memberships are refunded within seven days.", language="en")
    link = reverse("help:article-detail", args=[saved.pk])
    assert link in anon_client.get(reverse("help:search"), {"q": "membership refund"}).content.decode()
    # when: hidden, re-indexing pending
    _change(saved, **change)
    # then
    search = anon_client.get(reverse("help:search"), {"q": "membership refund"}).content.decode()
    suggest = anon_client.get(reverse("help:suggest"), {"subject": "membership refund"}).content.decode()
    assert link not in search
    assert link not in suggest
    ticket = open_ticket(customer_a, subject="Membership refund", body="Please refund my membership.")
    assert saved.pk not in [a.pk for a in ticket_suggestions(ticket=ticket).articles]


def test_agents_still_find_an_article_made_internal(tier1_client):
    saved = article(TITLE, "Memberships are refunded within seven days.", language="en")
    _change(saved, visibility=Visibility.INTERNAL)
    page = tier1_client.get(reverse("desk:kb-search"), {"q": "membership refund"}).content.decode()
    assert f"/{saved.pk}/" in page
