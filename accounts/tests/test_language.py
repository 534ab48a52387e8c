import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"Accept-Language": "en"}


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_signed_in_person_reads_their_saved_language(customer_a) -> None:
    customer_a.language = "zh-hans"
    customer_a.save()
    response = _signed_in(customer_a).get(reverse("help:ticket-list"), headers=ENGLISH_BROWSER)
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_anonymous_visitor_follows_the_browser(client) -> None:
    response = client.get(reverse("help:home"), headers=ENGLISH_BROWSER)
    assert response["Content-Language"] == "en"


def test_language_switch_saves_the_choice_to_the_account(customer_a) -> None:
    customer_a.language = "zh-hans"
    customer_a.save()
    client = _signed_in(customer_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.language == "en"
    # On another browser (no cookie), the account's choice applies.
    other = _signed_in(customer_a)
    assert other.get(reverse("help:ticket-list"), headers={"Accept-Language": "zh-hans"})["Content-Language"] == "en"


def test_the_switch_on_this_browser_wins_over_the_account(customer_a) -> None:
    customer_a.language = "zh-hans"
    customer_a.save()
    client = _signed_in(customer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("help:ticket-list"))["Content-Language"] == "en"


def test_an_unknown_language_changes_nothing(customer_a) -> None:
    client = _signed_in(customer_a)
    before = customer_a.language
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    customer_a.refresh_from_db()
    assert customer_a.language == before


def test_anonymous_switch_sets_only_the_cookie(client) -> None:
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_switch_refuses_get(client) -> None:
    assert client.get(reverse("set_language")).status_code == 405


def test_agents_desk_follows_their_language() -> None:
    agent = UserFactory(roles=[Role.AGENT], language="en")
    response = _signed_in(agent).get(reverse("desk:home"), headers={"Accept-Language": "zh-hans"})
    assert response["Content-Language"] == "en"
