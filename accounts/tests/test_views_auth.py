"""Customers who can get back in: sign-in links, sign-up, password set, change and reset.
No answer reveals whether an address has an account."""

import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role, User
from accounts.signin_links import SigninLinkInvalid, signin_link_read, signin_link_token
from accounts.tests.factories import PASSWORD, CustomerFactory, agent

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/accounts/link/[^/\s]+/)")


def _page(response) -> str:
    """The page without its CSRF tokens and CSP nonces (new on every response)."""
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+', "", response.content.decode())


def _link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_a_customer_asks_for_a_link_and_signs_in_once(client):
    customer = CustomerFactory(email="li.lei@example.cn")
    response = client.post(reverse("signin-link-request") + "?next=/tickets/", {"email": "LI.LEI@example.cn"})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["li.lei@example.cn"]]
    path = _link_in(mail.outbox[0])

    opened = client.get(path)  # a GET (a mail scanner) does not sign in
    assert opened.status_code == 200
    assert SESSION_KEY not in client.session
    signed_in = client.post(path)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/tickets/"
    assert client.session[SESSION_KEY] == str(customer.pk)

    client.logout()
    again = client.post(path)
    assert again.status_code == 400
    assert "has been used already" in again.content.decode()
    assert SESSION_KEY not in client.session


def test_the_answer_is_the_same_for_unknown_and_staff_addresses(client):
    agent("agent@example.com")
    CustomerFactory(email="known@example.com")
    pages = [
        _page(client.post(reverse("signin-link-request"), {"email": email}))
        for email in ("known@example.com", "nobody@example.com", "agent@example.com")
    ]
    assert pages[0] == pages[1] == pages[2]
    assert [m.to for m in mail.outbox] == [["known@example.com"]]  # staff never get links


def test_an_expired_link_is_refused_with_a_clear_page(client):
    customer = CustomerFactory()
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        token = signin_link_token(user=customer, next_path="/tickets/")
    with time_machine.travel("2026-03-05 10:00 +0800", tick=False):
        response = client.post(reverse("signin-link", kwargs={"token": token}))
    assert response.status_code == 400
    assert "has expired" in response.content.decode()


def test_a_link_cannot_send_elsewhere_or_be_altered():
    customer = CustomerFactory()
    token = signin_link_token(user=customer, next_path="https://evil.example.com/")
    assert signin_link_read(token) == (customer, reverse("help:home"))
    with pytest.raises(SigninLinkInvalid):
        signin_link_read(token[:-2] + "xx")


def test_a_customer_notification_mail_signs_in_on_the_way(client, tier1_agent):
    from tickets.tests.factories import open_ticket

    customer = CustomerFactory(email="anon@example.com")
    customer.set_unusable_password()
    customer.save()
    ticket = open_ticket(customer=customer)
    with override_settings(HELPDESK_SITE_URL="http://testserver"):
        from tickets.email.outbound import notification_email_send

        notification = customer.notifications.get(type="tickets.ticket.received")
        notification_email_send(notification_id=notification.pk)
    path = _link_in(mail.outbox[-1])
    response = client.post(path)
    assert response["Location"] == reverse("help:ticket-detail", kwargs={"pk": ticket.pk})
    assert client.get(response["Location"]).status_code == 200


def test_signup_makes_a_customer_and_says_the_same_for_a_known_address(client):
    CustomerFactory(email="known@example.com")
    new = client.post(reverse("signup"), {"name": "王芳", "email": "wang.fang@example.cn"})
    known = client.post(reverse("signup"), {"name": "Someone", "email": "known@example.com"})
    assert _page(new) == _page(known)
    created = User.objects.get(email="wang.fang@example.cn")
    assert created.roles == {Role.CUSTOMER}
    assert not created.has_usable_password()
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.com", "wang.fang@example.cn"]


def test_signup_can_be_turned_off(client):
    with override_settings(HELPDESK_SIGNUP_ENABLED=False):
        assert client.get(reverse("signup")).status_code == 404
        assert client.post(reverse("signup"), {"name": "x", "email": "x@example.com"}).status_code == 404
    assert not User.objects.filter(email="x@example.com").exists()


def test_a_customer_without_a_password_sets_one_then_changes_it(client):
    customer = CustomerFactory()
    customer.set_unusable_password()
    customer.save()
    client.force_login(customer)
    assert "old_password" not in client.get(reverse("password_change")).context["form"].fields
    client.post(
        reverse("password_change"), {"new_password1": "Tea-and-Dumplings-42", "new_password2": "Tea-and-Dumplings-42"}
    )
    customer.refresh_from_db()
    assert customer.check_password("Tea-and-Dumplings-42")
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Another-Long-Pass-7", "new_password2": "Another-Long-Pass-7"},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]


def test_password_reset_serves_accounts_without_a_password_and_links_from_the_site_url(client):
    customer = CustomerFactory(email="reset@example.com")
    customer.set_unusable_password()
    customer.save()
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    known = client.post(reverse("password_reset"), {"email": "reset@example.com"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    (message,) = mail.outbox
    path = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Brand-New-Pass-88", "new_password2": "Brand-New-Pass-88"}
    )
    customer.refresh_from_db()
    assert customer.check_password("Brand-New-Pass-88")
    signed_in = client.post(reverse("login"), {"username": "reset@example.com", "password": "Brand-New-Pass-88"})
    assert signed_in.status_code == 302
    assert client.session[SESSION_KEY] == str(customer.pk)


def test_the_login_page_offers_every_way_back_in(client):
    page = client.get(reverse("login")).content.decode()
    for name in ("signin-link-request", "password_reset", "signup"):
        assert reverse(name) in page
    assert PASSWORD  # the factories' password still signs in the usual way
