"""Staff sign in with OpenID Connect, against a real provider (node's oidc-provider) that
the test starts on 127.0.0.1: its roles claim maps to our roles; no mapped role, no entry."""

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings

from accounts.models import AgentTier, Role, User
from conftest import wait_until
from helpdesk.tests.test_browser import browser  # noqa: F401 - the shared fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROVIDER = Path(__file__).with_name("oidc_provider")
ACCOUNTS = {
    "senior": {"email": "senior@example.com", "name": "王强", "roles": ["helpdesk-agent", "helpdesk-tier2"]},
    "boss": {"email": "boss@example.com", "name": "周敏", "roles": ["helpdesk-manager"]},
    "intern": {"email": "intern@example.com", "name": "实习生", "roles": ["marketing"]},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(live_server):
    if not (PROVIDER / "node_modules" / "oidc-provider").is_dir() or not shutil.which("node"):
        if os.environ.get("CI"):
            pytest.fail("accounts/tests/oidc_provider needs `npm ci` (.ci/run does it)")
        pytest.skip("run `npm ci --prefix accounts/tests/oidc_provider` to test OpenID Connect")
    port = _free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": "helpdesk",
        "OIDC_CLIENT_SECRET": "test-only-client-secret",
        "OIDC_REDIRECT_URI": f"{live_server.url}/oidc/callback/",
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(["node", "provider.js"], cwd=PROVIDER, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    base = f"http://127.0.0.1:{port}"
    with override_settings(
        HELPDESK_OIDC_ENABLED=True,
        AUTHENTICATION_BACKENDS=["accounts.backends.CachedPermissionsBackend", "accounts.oidc.StaffOIDCBackend"],
        OIDC_RP_CLIENT_ID="helpdesk",
        OIDC_RP_CLIENT_SECRET="test-only-client-secret",
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{base}/auth",
        OIDC_OP_TOKEN_ENDPOINT=f"{base}/token",
        OIDC_OP_USER_ENDPOINT=f"{base}/me",
        OIDC_OP_JWKS_ENDPOINT=f"{base}/jwks",
    ):
        yield base
    process.terminate()
    process.wait(timeout=10)


def _sign_in_with_provider(browser, live_server, login: str):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Staff: sign in with your organisation")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.click("button[type=submit]")  # the provider asks to consent
    page.wait_for_load_state("networkidle")
    return page


def test_staff_sign_in_with_the_provider_and_get_their_roles(browser, live_server, provider):  # noqa: F811
    page = _sign_in_with_provider(browser, live_server, "senior")
    assert page.url == f"{live_server.url}/desk/"
    senior = User.objects.get(email="senior@example.com")
    assert senior.roles == {Role.AGENT}
    assert senior.agent_profile.tier == AgentTier.TIER_2
    assert senior.name == "王强"
    page.close()

    page = _sign_in_with_provider(browser, live_server, "boss")
    assert page.url == f"{live_server.url}/reports/"
    assert User.objects.get(email="boss@example.com").roles == {Role.MANAGER}
    page.close()


def test_no_mapped_role_no_entry(browser, live_server, provider):  # noqa: F811
    page = _sign_in_with_provider(browser, live_server, "intern")
    assert wait_until(lambda: "/accounts/login/" in page.url, timeout=10)
    assert not User.objects.filter(email="intern@example.com").exists()
    page.close()


def test_the_routes_are_not_found_while_oidc_is_off(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "Staff: sign in" not in client.get("/accounts/login/").content.decode()
