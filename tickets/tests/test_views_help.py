"""The customer's side of tickets in the help center: who may open which page, submitting
a ticket, "my tickets", and the pages in Chinese. The ticket page and attachments are in
test_views_help_ticket.py; refunds, NPS and notifications in test_views_help_account.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tickets.models import (
    Attachment,
    CSATResponse,
    MessageKind,
    Status,
    Ticket,
    TicketMessage,
)
from tickets.services import ticket_reply
from tickets.tests.factories import category, open_ticket
from tickets.tests.help_pages import assert_login_redirect, upload

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# Who may open which page
# ---------------------------------------------------------------------------

SIGNED_IN_PAGES = ["help:ticket-list", "help:refund-new", "help:nps", "help:notifications"]


@pytest.mark.parametrize("url_name", SIGNED_IN_PAGES)
def test_signed_in_pages_send_anonymous_visitors_to_sign_in(anon_client, url_name):
    assert_login_redirect(anon_client.get(reverse(url_name)))


@pytest.mark.parametrize("url_name", SIGNED_IN_PAGES)
@pytest.mark.parametrize("client_name", ["customer_a_client", "customer_b_client", "tier1_client"])
def test_signed_in_pages_open_for_every_signed_in_role(request, client_name, url_name):
    client = request.getfixturevalue(client_name)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("client_name", ["anon_client", "customer_a_client", "customer_b_client"])
def test_new_ticket_form_is_open_to_everyone(request, client_name):
    response = request.getfixturevalue(client_name).get(reverse("help:ticket-new"))
    assert response.status_code == 200
    assert 'data-testid="ticket-form"' in response.content.decode()


def test_new_ticket_form_asks_anonymous_visitors_for_name_and_email(anon_client, customer_a_client):
    anonymous = anon_client.get(reverse("help:ticket-new")).context["form"]
    signed_in = customer_a_client.get(reverse("help:ticket-new")).context["form"]
    assert {"name", "email"} <= set(anonymous.fields)
    assert "order" not in anonymous.fields
    assert not {"name", "email"} & set(signed_in.fields)
    assert "order" in signed_in.fields


def test_ticket_pages_send_anonymous_visitors_to_sign_in(anon_client, ticket_a):
    assert_login_redirect(anon_client.get(reverse("help:ticket-detail", kwargs={"pk": ticket_a.pk})))
    assert_login_redirect(anon_client.post(reverse("help:ticket-reply", kwargs={"pk": ticket_a.pk}), {"message": "x"}))
    assert TicketMessage.objects.filter(ticket=ticket_a).count() == 1


@pytest.mark.parametrize(
    "url_name", ["help:ticket-detail", "help:ticket-reply", "help:ticket-confirm", "help:ticket-rating"]
)
def test_customer_a_never_reaches_customer_bs_ticket(customer_a_client, ticket_b, url_name):
    # given B's ticket, when A guesses its URL
    url = reverse(url_name, kwargs={"pk": ticket_b.pk})
    response = customer_a_client.post(url, {"message": "hi", "solved": "1", "rating": "5"})
    if url_name == "help:ticket-detail":
        response = customer_a_client.get(url)
    # then
    assert response.status_code == 404
    ticket_b.refresh_from_db()
    assert ticket_b.status == Status.NEW
    assert ticket_b.messages.count() == 1
    assert not CSATResponse.objects.exists()


def test_a_missing_ticket_is_not_found(customer_a_client):
    assert customer_a_client.get(reverse("help:ticket-detail", kwargs={"pk": 999_999})).status_code == 404


def test_desk_users_only_get_their_own_tickets_on_the_help_center(tier1_client, ticket_a):
    assert tier1_client.get(reverse("help:ticket-detail", kwargs={"pk": ticket_a.pk})).status_code == 404
    response = tier1_client.get(reverse("help:ticket-list"))
    assert list(response.context["tickets"]) == []


def test_a_desk_user_follows_their_own_help_center_ticket_without_internal_notes(tier1_agent, tier1_client):
    # given an agent who asked for help themselves, and a colleague's note on it
    response = tier1_client.post(reverse("help:ticket-new"), {"subject": "My own course", "message": "Help me."})
    ticket = Ticket.objects.get(customer=tier1_agent)
    ticket_reply(ticket=ticket, author=tier1_agent, body="A note for the desk only.", internal=True)
    # when
    page = tier1_client.get(response["Location"])
    # then
    assert page.status_code == 200
    assert "Help me." in page.content.decode()
    assert "A note for the desk only." not in page.content.decode()
    assert list(tier1_client.get(reverse("help:ticket-list")).context["tickets"]) == [ticket]


# ---------------------------------------------------------------------------
# Submitting a ticket
# ---------------------------------------------------------------------------


def test_anonymous_visitor_with_a_new_email_becomes_a_customer(anon_client):
    # when
    response = anon_client.post(
        reverse("help:ticket-new"),
        {"name": "Li Lei", "email": "Li.Lei@Example.com", "subject": "Cannot log in", "message": "Code never arrives."},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("help:ticket-submitted")
    user = User.objects.get(email="li.lei@example.com")
    assert user.name == "Li Lei"
    assert user.has_role("customer")
    ticket = Ticket.objects.get(customer=user)
    assert ticket.channel == "web"
    assert ticket.messages.get().from_customer
    page = anon_client.get(response["Location"])
    assert page.status_code == 200
    assert ticket.reference in page.content.decode()


def test_anonymous_visitor_with_a_known_email_is_matched_and_learns_nothing_about_the_account(anon_client, customer_a):
    # given customer A with a ticket and an order
    open_ticket(customer_a, subject="Earlier private question")
    order = customer_a.orders.get()
    users_before = User.objects.count()
    # when someone types A's email address in another case
    response = anon_client.post(
        reverse("help:ticket-new"),
        {"name": "Someone", "email": "CUSTOMER-A@example.com", "subject": "Refund please", "message": "Help."},
        follow=True,
    )
    # then the ticket is A's, no account is created or changed, and the page shows only the reference
    assert response.status_code == 200
    assert User.objects.count() == users_before
    customer_a.refresh_from_db()
    assert customer_a.name == "Customer A"
    ticket = Ticket.objects.filter(customer=customer_a).order_by("-pk").first()
    assert ticket.subject == "Refund please"
    body = response.content.decode()
    assert ticket.reference in body
    for secret in ("Customer A", "customer-a@example.com", "Earlier private question", order.number):
        assert secret not in body
    assert anon_client.get(reverse("help:ticket-list")).status_code == 302  # still not signed in


def test_submitted_page_without_a_submission_goes_back_to_the_form(anon_client):
    response = anon_client.get(reverse("help:ticket-submitted"))
    assert response.status_code == 302
    assert response["Location"] == reverse("help:ticket-new")


def test_signed_in_customer_opens_a_ticket_with_category_order_and_files(customer_a, customer_a_client):
    # given
    order = customer_a.orders.get()
    payment = category("payment")
    # when
    response = customer_a_client.post(
        reverse("help:ticket-new"),
        {
            "subject": "Charged twice",
            "message": "I paid twice for the same course.",
            "category": payment.pk,
            "order": order.pk,
            "attachments": [upload("receipt-1.png"), upload("receipt-2.pdf", b"%PDF-1.4", "application/pdf")],
        },
    )
    # then
    ticket = Ticket.objects.get(customer=customer_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("help:ticket-detail", kwargs={"pk": ticket.pk})
    assert (ticket.category, ticket.order, ticket.channel) == (payment, order, "web")
    assert sorted(Attachment.objects.filter(message__ticket=ticket).values_list("name", flat=True)) == [
        "receipt-1.png",
        "receipt-2.pdf",
    ]


def test_someone_elses_order_is_refused_by_the_form(customer_a_client, customer_b):
    response = customer_a_client.post(
        reverse("help:ticket-new"),
        {"subject": "Order question", "message": "About this order.", "order": customer_b.orders.get().pk},
    )
    assert response.status_code == 200
    assert "order" in response.context["form"].errors
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Li Lei", "email": "li@example.com", "subject": "", "message": "Body"},
        {"name": "Li Lei", "email": "not-an-email", "subject": "Subject", "message": "Body"},
        {"name": "", "email": "li@example.com", "subject": "Subject", "message": "Body"},
        {"name": "Li Lei", "email": "li@example.com", "subject": "Subject", "message": ""},
    ],
)
def test_invalid_anonymous_ticket_re_renders_with_errors_and_keeps_the_input(anon_client, data):
    users_before = User.objects.count()
    response = anon_client.post(reverse("help:ticket-new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Ticket.objects.exists()
    assert User.objects.count() == users_before
    body = response.content.decode()
    for value in data.values():
        if value:
            assert value in body


def test_too_large_attachment_is_a_form_error_and_creates_nothing(anon_client, settings):
    # given
    settings.HELPDESK_ATTACHMENT_MAX_BYTES = 10
    users_before = User.objects.count()
    # when
    response = anon_client.post(
        reverse("help:ticket-new"),
        {
            "name": "Han Meimei",
            "email": "han@example.com",
            "subject": "Screenshot",
            "message": "See the file.",
            "attachments": [upload("big.png", b"x" * 100)],
        },
    )
    # then the service's message is on the form and the transaction left nothing behind
    assert response.status_code == 200
    assert "big.png" in " ".join(response.context["form"].non_field_errors())
    assert not Ticket.objects.exists()
    assert User.objects.count() == users_before


# ---------------------------------------------------------------------------
# My tickets
# ---------------------------------------------------------------------------


def test_ticket_list_shows_only_ones_own_tickets(customer_a_client, ticket_a, ticket_b):
    response = customer_a_client.get(reverse("help:ticket-list"))
    body = response.content.decode()
    assert list(response.context["tickets"]) == [ticket_a]
    assert ticket_a.reference in body
    assert ticket_a.subject in body
    assert ticket_b.subject not in body


def test_ticket_list_query_count_is_the_same_for_1_and_15_tickets(
    customer_a, customer_a_client, django_assert_num_queries
):
    url = reverse("help:ticket-list")
    open_ticket(customer_a)
    customer_a_client.get(url)  # the session and the cached permissions, as on any later visit
    with CaptureQueriesContext(connection) as one:
        assert len(customer_a_client.get(url).context["tickets"]) == 1
    for _ in range(14):
        open_ticket(customer_a)
    with django_assert_num_queries(len(one)):
        assert len(customer_a_client.get(url).context["tickets"]) == 15


def test_ticket_list_is_paginated(customer_a, customer_a_client):
    for _ in range(21):
        open_ticket(customer_a)
    first = customer_a_client.get(reverse("help:ticket-list"))
    second = customer_a_client.get(reverse("help:ticket-list"), {"page": 2})
    assert len(first.context["tickets"]) == 20
    assert len(second.context["tickets"]) == 1


# ---------------------------------------------------------------------------
# Chinese
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["help:ticket-detail", "help:ticket-list", "help:notifications"])
def test_pages_render_in_chinese(customer_a, customer_a_client, ticket_a, url_name):
    customer_a.language = "zh-hans"  # a signed-in person reads their account's language
    customer_a.save()
    kwargs = {"pk": ticket_a.pk} if url_name == "help:ticket-detail" else {}
    response = customer_a_client.get(reverse(url_name, kwargs=kwargs))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert ticket_a.reference in body or url_name == "help:notifications"


def test_new_ticket_form_works_in_chinese(anon_client):
    response = anon_client.post(
        reverse("help:ticket-new"),
        {"name": "王芳", "email": "wang@example.com", "subject": "无法登录", "message": "验证码收不到。"},
        headers={"Accept-Language": "zh-hans"},
        follow=True,
    )
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert User.objects.get(email="wang@example.com").language == "zh-hans"
    assert Ticket.objects.get(subject="无法登录").messages.filter(kind=MessageKind.REPLY).count() == 1
