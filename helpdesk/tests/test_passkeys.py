"""Passkeys (django-otp-webauthn) as a staff second factor: who may register one, that a
stolen password alone cannot add one, no passwordless sign-in, removal of one's own only.
The ceremonies themselves, with a real browser's authenticator, are in
test_browser_trust.py."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts.tests.factories import PASSWORD
from helpdesk.models import AuditEvent, EncryptedTOTPDevice
from helpdesk.passkeys import PASSKEY_REMOVED

pytestmark = pytest.mark.django_db


def _passkey(user, n: int = 1) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user, name=f"key {n}", credential_id=bytes([n]) * 32, public_key=b"\x02" * 77, aaguid=""
    )


def _begin(client: Client) -> object:
    return client.post(reverse("otp_webauthn:credential-registration-begin"), content_type="application/json")


def test_staff_may_register_a_passkey_customers_may_not(tier1_client, customer_a_client, tier1_agent):
    # staff: the browser gets the options to create a passkey for this site and this person
    response = _begin(tier1_client)
    assert response.status_code == 200
    options = response.json()
    assert options["rp"]["id"] == "localhost"
    assert options["user"]["name"] == tier1_agent.get_username()
    # customers: refused
    response = _begin(customer_a_client)
    assert response.status_code == 403
    assert response.json()["code"] == "staff_only"
    assert customer_a_client.get(reverse("passkeys")).status_code == 403


def test_a_stolen_password_cannot_add_a_passkey_to_an_account_with_a_second_factor(tier1_agent):
    EncryptedTOTPDevice.objects.create(user=tier1_agent, name="phone", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": tier1_agent.email, "password": PASSWORD})
    # when: the password alone
    response = _begin(client)
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "user_not_verified"
    assert reverse("second-factor-verify") in client.get(reverse("passkeys"))["Location"]
    assert not WebAuthnCredential.objects.exists()


def test_there_is_no_passwordless_sign_in(anon_client):
    response = anon_client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 403
    assert response.json()["code"] == "passwordless_login_disabled"


def test_a_passkey_holder_is_asked_for_it_after_the_password_and_is_shown_no_code_field(tier2_agent):
    _passkey(tier2_agent)
    client = Client()
    client.post(reverse("login"), {"username": tier2_agent.email, "password": PASSWORD})
    response = client.get(reverse("desk:queue"))
    assert response["Location"].startswith(reverse("second-factor-verify"))
    page = client.get(response["Location"]).content.decode()
    assert 'id="passkey-verification-placeholder"' in page
    assert 'name="code"' not in page
    # the scripts are files from our origin (the Content-Security-Policy allows no inline script)
    assert "django_otp_webauthn/otp_webauthn_auth.js" in page


def test_staff_remove_their_own_passkeys_only_and_it_is_audited(tier1_agent, tier2_agent):
    from django_otp import DEVICE_ID_SESSION_KEY

    mine, theirs = _passkey(tier1_agent, 1), _passkey(tier2_agent, 2)
    client = Client()
    client.force_login(tier1_agent)
    # without the second factor in this session: sent to give it first
    assert client.post(reverse("passkeys"), {"remove": mine.pk})["Location"].startswith(reverse("second-factor-verify"))
    # with it (django-otp keeps the verifying device in the session)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = mine.persistent_id
    session.save()
    assert "key 1" in client.get(reverse("passkeys")).content.decode()
    assert client.post(reverse("passkeys"), {"remove": theirs.pk}).status_code == 404
    assert client.post(reverse("passkeys"), {"remove": mine.pk})["Location"] == reverse("passkeys")
    # then
    assert list(WebAuthnCredential.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert AuditEvent.objects.filter(action=PASSKEY_REMOVED, actor=tier1_agent, subject=tier1_agent).count() == 1


def test_the_passkey_pages_and_scripts_speak_chinese(tier1_agent):
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(tier1_agent)
    tier1_agent.language = "zh-hans"
    tier1_agent.save(update_fields=["language"])
    assert "添加通行密钥" in client.get(reverse("passkeys")).content.decode()
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog")).content.decode()
    assert "\\u6ce8\\u518c\\u6210\\u529f" in catalog or "注册成功" in catalog  # "Registration successful!"
    response = Client(headers={"accept-language": "zh-hans"}).post(
        reverse("otp_webauthn:credential-authentication-begin")
    )
    assert response.json()["detail"] == "无密码登录已关闭。"
