"""Signing in: wrong passwords lock out the account and the address (django-axes); staff
give a second factor (TOTP) when they have one, or must set one up when the policy says
so; idle staff sessions end."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from accounts.models import Role
from accounts.tests.factories import PASSWORD, CustomerFactory, UserFactory, agent
from helpdesk.models import EncryptedTOTPDevice as TOTPDevice

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _sign_in(client: Client, email: str, password: str, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- throttling --------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused(settings):
    # given
    user = CustomerFactory(email="learner@example.com")
    client = Client()
    # when
    for _ in range(30):
        _sign_in(client, user.email, "wrong-password")
    response = _sign_in(client, user.email, PASSWORD)
    # then
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not _signed_in(client)


def test_the_account_is_locked_whatever_the_address_and_the_case(settings):
    user = CustomerFactory(email="learner@example.com")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(REMOTE_ADDR=f"203.0.113.{n}"), "Learner@Example.com ", "wrong-password")
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert _sign_in(client, user.email, PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_an_address_is_locked_whatever_the_account(settings):
    users = [CustomerFactory(email=f"p{n}@example.com") for n in range(settings.AXES_FAILURE_LIMIT + 1)]
    client = Client(REMOTE_ADDR="203.0.113.9")
    for user in users[:-1]:
        _sign_in(client, user.email, "wrong-password")
    assert _sign_in(client, users[-1].email, PASSWORD).status_code == 429
    # another address signs in that account
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert _sign_in(other, users[-1].email, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_address(settings):
    settings.HELPDESK_PROXY_COUNT = 1
    users = [CustomerFactory(email=f"p{n}@example.com") for n in range(settings.AXES_FAILURE_LIMIT + 1)]
    for n, user in enumerate(users[:-1]):
        # the proxy appends the real client (203.0.113.9) after whatever the client sent
        Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9").post(
            LOGIN, {"username": user.email, "password": "wrong"}
        )
    client = Client(HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9")
    assert _sign_in(client, users[-1].email, PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_wait(settings):
    user = CustomerFactory(email="learner@example.com")
    with time_machine.travel(START, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(Client(), user.email, "wrong-password")
        assert _sign_in(Client(), user.email, PASSWORD).status_code == 429
    with time_machine.travel(START + settings.AXES_COOLOFF_TIME + timedelta(minutes=1), tick=False):
        client = Client()
        assert _sign_in(client, user.email, PASSWORD).status_code == 302
        assert _signed_in(client)


def test_the_admin_sign_in_is_throttled_too(settings):
    UserFactory(email="root@example.com", roles=[Role.ADMIN])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("admin:login"), {"username": "root@example.com", "password": "guess"})
    response = Client().post(reverse("admin:login"), {"username": "root@example.com", "password": PASSWORD})
    assert response.status_code == 429


# --- second factor -----------------------------------------------------------------


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_staff_with_a_device_give_its_code_before_any_staff_page():
    # given
    staff = agent("li.na@example.com")
    device = _device(staff)
    client = Client()
    # when: the password alone
    assert _sign_in(client, staff.email, PASSWORD).status_code == 302
    response = client.get(reverse("desk:queue"))
    # then: held at the second factor, the API too
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second-factor-verify"))
    api = client.get(reverse("api:me"))
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    # a wrong code is refused, the right one lets them in
    assert client.post(reverse("second-factor-verify"), {"code": "000000"}).status_code == 400
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    next_url = reverse("desk:queue")
    response = client.post(reverse("second-factor-verify"), {"code": _code(device), "next": next_url})
    assert response["Location"] == next_url
    assert client.get(next_url).status_code == 200


def test_a_stolen_password_cannot_add_a_device_to_an_account_that_has_one():
    staff = agent("li.na@example.com")
    _device(staff)
    client = Client()
    _sign_in(client, staff.email, PASSWORD)
    response = client.get(reverse("second-factor-setup"))
    assert response["Location"].startswith(reverse("second-factor-verify"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_when_required_staff_without_a_device_set_one_up_customers_are_never_asked(settings):
    settings.HELPDESK_STAFF_SECOND_FACTOR = "required"
    staff = UserFactory(email="manager@example.com", roles=[Role.MANAGER])
    client = Client()
    _sign_in(client, staff.email, PASSWORD)
    response = client.get(reverse("reports:home"))
    assert response["Location"].startswith(reverse("second-factor-setup"))
    page = client.get(reverse("second-factor-setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("second-factor-setup"), {"code": _code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("reports:home")).status_code == 200
    # customers
    customer = CustomerFactory(email="learner@example.com")
    other = Client()
    _sign_in(other, customer.email, PASSWORD)
    assert other.get(reverse("help:ticket-list")).status_code == 200


def test_staff_without_a_device_are_not_asked_unless_required(tier1_client):
    assert tier1_client.get(reverse("desk:queue")).status_code == 200


# --- idle staff sessions -------------------------------------------------------------


def test_idle_staff_sessions_end_active_ones_go_on(settings):
    settings.HELPDESK_STAFF_IDLE_MINUTES = 30
    staff = agent("li.na@example.com")
    client = Client()
    with time_machine.travel(START, tick=False):
        client.force_login(staff)
    with time_machine.travel(START + timedelta(minutes=25), tick=False):
        assert client.get(reverse("desk:queue")).status_code == 200
    with time_machine.travel(START + timedelta(minutes=50), tick=False):  # 25 idle minutes
        assert client.get(reverse("desk:queue")).status_code == 200
    with time_machine.travel(START + timedelta(minutes=81), tick=False):  # 31 idle minutes
        response = client.get(reverse("desk:queue"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert not _signed_in(client)


def test_customers_sessions_do_not_end_when_idle(settings):
    customer = CustomerFactory(email="learner@example.com")
    client = Client()
    with time_machine.travel(START, tick=False):
        client.force_login(customer)
    with time_machine.travel(START + timedelta(hours=5), tick=False):
        assert client.get(reverse("help:ticket-list")).status_code == 200
