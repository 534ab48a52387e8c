"""Sign-in from the platform: an HS256 JWT with sub, email, iat, exp (≤ 10 minutes), jti."""

import time
import uuid

import jwt
import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import CustomerProfile, Role, User
from accounts.services import customer_get_or_create
from accounts.tests.factories import agent
from integrations.models import UsedToken
from integrations.services.sso import used_tokens_purge

pytestmark = pytest.mark.django_db


def token(integration, **claims) -> str:
    now = int(time.time())
    body = {
        "sub": "u1",
        "email": "li.lei@example.cn",
        "name": "李雷",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, integration.jwt_secret, algorithm="HS256")


def sso(client, value: str, return_to: str = ""):
    return client.get(reverse("sso-jwt"), {"jwt": value, "return_to": return_to} if return_to else {"jwt": value})


def test_a_learner_lands_on_my_tickets_as_a_new_customer(client, integration):
    response = sso(client, token(integration))
    assert response.status_code == 302
    assert response["Location"] == reverse("help:ticket-list")
    user = User.objects.get(email="li.lei@example.cn")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert user.roles == {Role.CUSTOMER}
    assert user.customer_profile.platform_user_id == "u1"
    assert user.name == "李雷"


def test_matched_by_external_id_then_by_email(client, integration):
    known = customer_get_or_create(email="from.ticket@example.cn")
    sso(client, token(integration, sub="u7", email="FROM.TICKET@example.cn"), return_to="/tickets/new/")
    assert CustomerProfile.objects.get(platform_user_id="u7").user == known
    client.logout()
    response = sso(client, token(integration, sub="u7", email="changed@example.cn"), return_to="/tickets/new/")
    assert response["Location"] == "/tickets/new/"
    assert client.session[SESSION_KEY] == str(known.pk)
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"exp": int(time.time()) - 120, "iat": int(time.time()) - 400}, "has expired"),
        ({"exp": int(time.time()) + 3600}, "is not valid"),  # lives longer than 10 minutes
        ({"jti": None}, "is not valid"),
        ({"email": "not-an-address"}, "is not valid"),
    ],
)
def test_bad_tokens_are_refused_with_a_clear_page(client, integration, claims, why):
    response = sso(client, token(integration, **claims))
    assert response.status_code == 400
    assert why in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_replayed_forged_or_foreign_token_is_refused(client, integration):
    once = token(integration)
    assert sso(client, once).status_code == 302
    client.logout()
    replay = sso(client, once)
    assert replay.status_code == 400
    assert "used already" in replay.content.decode()
    forged = jwt.encode(
        {"sub": "u1", "email": "x@example.com", "iat": 1, "exp": 2, "jti": "j"},
        "a-guess-that-is-long-enough-for-hs256-32b",
        algorithm="HS256",
    )
    assert sso(client, forged).status_code == 400
    assert sso(client, "not.a.token").status_code == 400
    none_alg = jwt.encode({"sub": "u1"}, None, algorithm="none")
    assert sso(client, none_alg).status_code == 400


def test_staff_accounts_never_sign_in_from_the_platform_and_return_to_stays_here(client, integration):
    agent("agent@example.com")
    refused = sso(client, token(integration, sub="u2", email="agent@example.com"))
    assert refused.status_code == 400
    assert SESSION_KEY not in client.session
    response = sso(client, token(integration), return_to="https://evil.example.com/")
    assert response["Location"] == reverse("help:home")


def test_spent_token_ids_are_forgotten_after_expiry(client, integration):
    sso(client, token(integration))
    assert UsedToken.objects.count() == 1
    assert used_tokens_purge() == 0
    with time_machine.travel(time.time() + 3600):
        assert used_tokens_purge() == 1
