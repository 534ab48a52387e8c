"""Browser tests of trust: a customer downloads their data and erases their account, an
agent gives the second factor, wrong passwords lock the sign-in; no page's script is
blocked by the Content-Security-Policy."""

import io
import json
import zipfile

import pytest
from django_otp.oath import totp

from accounts.models import User
from helpdesk.models import EncryptedTOTPDevice as TOTPDevice
from helpdesk.tests.test_browser import SCREENSHOTS, _sign_in, browser, people  # noqa: F401 -- shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser):  # noqa: F811 -- the fixture above
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    page.csp_errors = []
    page.on("console", lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    return page


def test_a_customer_downloads_their_data_and_erases_their_account(browser, live_server, people):  # noqa: F811
    page = _page(browser)
    _sign_in(page, live_server, people["customer"])
    page.click("[data-testid=my-data]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / "help-my-data.png"), full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=my-data-export]")
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == people["customer"]
    assert {o["course__title"] for o in data["orders"]} == {"Python 数据分析实战", "经济学 30 讲"}

    page.check("input[name=confirm]")
    page.click("[data-testid=my-data-erase]")
    page.wait_for_load_state("networkidle")
    assert "have been erased" in page.content()
    assert not User.objects.filter(email=people["customer"]).exists()
    _sign_in(page, live_server, people["customer"])
    assert "/accounts/login/" in page.url  # the account is gone
    assert page.csp_errors == []
    page.close()


def test_an_agent_gives_the_second_factor_after_the_password(browser, live_server, people):  # noqa: F811
    device = TOTPDevice.objects.create(user=User.objects.get(email=people["tier1"]), name="phone", confirmed=True)
    page = _page(browser)
    _sign_in(page, live_server, people["tier1"])
    assert "/accounts/second-factor/" in page.url
    page.screenshot(path=str(SCREENSHOTS / "second-factor.png"), full_page=True)
    page.fill("input[name=code]", "000000")
    page.click("form.stack button[type=submit]")
    assert "not valid" in page.locator(".errors").inner_text()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    page.fill("input[name=code]", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/desk/"
    assert page.csp_errors == []
    page.close()


def test_repeated_wrong_passwords_lock_the_sign_in(browser, live_server, people, settings):  # noqa: F811
    page = _page(browser)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", people["manager"])
        page.fill("input[name=password]", "not-the-password")
        page.click("form.stack button[type=submit]")
    _sign_in(page, live_server, people["manager"])  # the right password, too late
    assert "Too many attempts" in page.locator("h1").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "sign-in-locked.png"), full_page=True)
    page.close()


def test_a_rating_link_keeps_its_token_out_of_every_request_url(browser, live_server, people):  # noqa: F811
    from tickets.email.outbound import csat_token
    from tickets.services import ticket_status_set
    from tickets.tests.factories import open_ticket

    customer = User.objects.get(email=people["customer"])
    ticket = ticket_status_set(
        ticket=open_ticket(customer), actor=User.objects.get(email=people["tier1"]), status="resolved"
    )
    page = _page(browser)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    token = csat_token(ticket=ticket, rating=4)
    page.goto(f"{live_server.url}/tickets/rate/#{token}")
    page.locator("[data-testid=csat-email-confirm]").wait_for()
    page.click("[data-testid=csat-email-confirm] button[type=submit]")
    page.locator("text=Thank you for rating our support.").wait_for()
    assert ticket.csat.rating == 4
    assert not [url for url in requested if token in url]
    assert page.csp_errors == []
    page.close()


def test_an_agent_registers_a_passkey_then_signs_in_with_it(browser, live_server, people, settings):  # noqa: F811
    from django_otp_webauthn.models import WebAuthnCredential

    # The live server's origin (a random port on localhost, where browsers allow WebAuthn).
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    agent = User.objects.get(email=people["tier1"])
    page = _page(browser)
    # Chromium's virtual authenticator (DevTools protocol): a platform authenticator that
    # verifies its user (as a fingerprint would) and answers every request by itself.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    # when: the agent adds a passkey from the header's link
    _sign_in(page, live_server, people["tier1"])
    page.click("[data-testid=sign-in-security]")
    page.locator("[data-testid=passkey-none]").wait_for()
    page.click("#passkey-register-button")
    page.locator("[data-testid=passkey-list]").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "passkeys.png"), full_page=True)
    # then: the server holds its public key, the authenticator its private key
    passkey = WebAuthnCredential.objects.get(user=agent)
    assert passkey.confirmed
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    # when: signing in again, the password is followed by the passkey
    page.click("header form[action$='/logout/'] button")
    page.wait_for_load_state("networkidle")
    _sign_in(page, live_server, people["tier1"])
    assert "/accounts/second-factor/" in page.url
    assert page.locator("input[name=code]").count() == 0  # no authenticator app: no code to type
    page.click("#passkey-verification-button")
    page.wait_for_url(f"{live_server.url}/desk/")
    # then: the desk opens, and the passkey's use is recorded
    assert page.locator("h1").first.inner_text()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert page.csp_errors == []
    page.close()
