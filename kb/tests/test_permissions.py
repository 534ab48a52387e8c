"""The knowledge base's permission matrix: every role against every kb route."""

import pytest
from django.urls import reverse

from kb.models import ArticleStatus, Visibility
from kb.tests.factories import article

pytestmark = pytest.mark.django_db

ROLES = ["anon", "customer_a", "customer_b", "tier1", "tier2", "manager", "admin"]
ANY = dict.fromkeys(ROLES, 200)
DESK = {"anon": "login", "customer_a": 403, "customer_b": 403, "tier1": 200, "tier2": 200, "manager": 200, "admin": 200}
DESK_POST = {**DESK, **dict.fromkeys(("tier1", "tier2", "manager", "admin"), 405)}
# Internal articles: desk users only; everyone else gets 404 (as for a missing article).
INTERNAL = {role: (200 if role in ("tier1", "tier2", "manager", "admin") else 404) for role in ROLES}
NOBODY = dict.fromkeys(ROLES, 404)
ADMIN = {
    **dict.fromkeys(("anon", "customer_a", "customer_b", "tier1", "tier2"), "admin-login"),
    "manager": 200,
    "admin": 200,
}
POST_ONLY = dict.fromkeys(ROLES, 405)

MATRIX = [
    ("help:home", None, ANY),
    ("help:search", None, ANY),
    ("help:suggest", None, ANY),
    ("help:category-detail", "category_slug", ANY),
    ("help:article-detail", "public_article", ANY),
    ("help:article-detail", "internal_article", INTERNAL),
    ("help:article-detail", "draft_article", NOBODY),
    ("help:article-feedback", "public_article", POST_ONLY),
    ("desk:kb-search", None, DESK),
    ("desk:kb-ticket-suggestions", "ticket_a", DESK),
    ("desk:kb-draft-from-message", "reply_a", DESK_POST),
    *[
        (f"admin:kb_{model}_changelist", None, ADMIN)
        for model in ("article", "kbcategory", "articlerevision", "articlefeedback", "autoanswerrule", "triagemodel")
    ],
    ("admin:kb_article_add", None, ADMIN),
]


@pytest.fixture
def category_slug():
    return article("Login help", "Use your phone number.").category


@pytest.fixture
def public_article():
    return article("Refund policy", "Seven days.")


@pytest.fixture
def internal_article():
    return article("Refund exceptions", "Tier 2 decides.", visibility=Visibility.INTERNAL)


@pytest.fixture
def draft_article():
    return article("Coming soon", "Not yet.", status=ArticleStatus.DRAFT)


@pytest.fixture
def ticket_a(customer_a):
    from tickets.tests.factories import open_ticket

    return open_ticket(customer_a)


@pytest.fixture
def reply_a(ticket_a, tier1_agent):
    from tickets.services import ticket_reply

    return ticket_reply(ticket=ticket_a, author=tier1_agent, body="Clear the app cache, then sign in again.")


@pytest.fixture
def clients(request):
    def get(role: str):
        name = "anon_client" if role == "anon" else ("admin_client_role" if role == "admin" else f"{role}_client")
        return request.getfixturevalue(name)

    return get


@pytest.mark.parametrize(("url_name", "arg", "expected"), MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(clients, request, role, url_name, arg, expected):
    # given
    client = clients(role)
    kwargs = {}
    if arg == "category_slug":
        kwargs = {"slug": request.getfixturevalue(arg).slug}
    elif arg:
        kwargs = {"pk": request.getfixturevalue(arg).pk}
    # when
    response = client.get(reverse(url_name, kwargs=kwargs))
    # then
    want = expected[role]
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif want == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == want


def test_drafts_and_internal_articles_never_reach_customers_anywhere(customer_a_client, anon_client):
    # given
    internal = article("Internal refund rules", "Only for agents about refunds.", visibility=Visibility.INTERNAL)
    draft = article("Draft refund rules", "Unfinished refunds text.", status=ArticleStatus.DRAFT)
    public = article("Public refund rules", "Everyone may read about refunds.")
    for client in (customer_a_client, anon_client):
        # when
        pages = [
            client.get(reverse("help:home")),
            client.get(reverse("help:search"), {"q": "refund rules"}),
            client.get(reverse("help:suggest"), {"subject": "refund rules"}),
            client.get(reverse("help:category-detail", kwargs={"slug": internal.category.slug})),
            client.get(reverse("help:category-detail", kwargs={"slug": draft.category.slug})),
        ]
        # then
        for response in pages:
            text = response.content.decode()
            assert internal.title not in text
            assert draft.title not in text
        assert f"/articles/{public.pk}/" in pages[1].content.decode()
