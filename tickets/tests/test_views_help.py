"""The customer's side of tickets in the help center: submit, follow, reply, confirm,
rate, ask for a refund, answer the NPS survey, read notifications."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrderStatus, User
from accounts.tests.factories import OrderFactory
from tickets.models import (
    Attachment,
    CSATResponse,
    MessageKind,
    Notification,
    NPSResponse,
    RefundRequest,
    Status,
    Ticket,
    TicketMessage,
)
from tickets.notification_texts import TEXTS, notification_text
from tickets.services import notify, ticket_merge, ticket_reply, ticket_status_set
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")


def _file(name: str = "screenshot.png", content: bytes = b"\x89PNG fake image", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def _resolved(ticket: Ticket, agent: User) -> Ticket:
    return ticket_status_set(ticket=ticket, actor=agent, status=Status.RESOLVED)


def _closed(ticket: Ticket, agent: User) -> Ticket:
    return ticket_status_set(ticket=_resolved(ticket, agent), actor=agent, status=Status.CLOSED)


@pytest.fixture
def ticket_a(customer_a) -> Ticket:
    return open_ticket(customer_a, subject="Video does not play", body="Lesson 3 keeps loading.")


@pytest.fixture
def ticket_b(customer_b) -> Ticket:
    return open_ticket(customer_b, subject="Invoice for order B", body="Please send my invoice.")


# ---------------------------------------------------------------------------
# Who may open which page
# ---------------------------------------------------------------------------

SIGNED_IN_PAGES = ["help:ticket-list", "help:refund-new", "help:nps", "help:notifications"]


@pytest.mark.parametrize("url_name", SIGNED_IN_PAGES)
def test_signed_in_pages_send_anonymous_visitors_to_sign_in(anon_client, url_name):
    _assert_login_redirect(anon_client.get(reverse(url_name)))


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
    _assert_login_redirect(anon_client.get(reverse("help:ticket-detail", kwargs={"pk": ticket_a.pk})))
    _assert_login_redirect(anon_client.post(reverse("help:ticket-reply", kwargs={"pk": ticket_a.pk}), {"message": "x"}))
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
            "attachments": [_file("receipt-1.png"), _file("receipt-2.pdf", b"%PDF-1.4", "application/pdf")],
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
            "attachments": [_file("big.png", b"x" * 100)],
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
# The ticket page
# ---------------------------------------------------------------------------


def test_ticket_page_shows_the_public_thread_without_internal_notes(customer_a_client, ticket_a, tier1_agent):
    # given an agent's public reply with a file and an internal note with a file
    ticket_reply(
        ticket=ticket_a, author=tier1_agent, body="Please clear the app cache.", attachments=[_file("howto.png")]
    )
    ticket_reply(
        ticket=ticket_a,
        author=tier1_agent,
        body="Customer seems to use an old app.",
        internal=True,
        attachments=[_file("internal-log.txt", b"log", "text/plain")],
    )
    # when
    response = customer_a_client.get(reverse("help:ticket-detail", kwargs={"pk": ticket_a.pk}))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lesson 3 keeps loading." in body
    assert "Please clear the app cache." in body
    assert "howto.png" in body
    assert "Customer seems to use an old app." not in body
    assert "internal-log.txt" not in body
    public = Attachment.objects.get(name="howto.png")
    assert reverse("help:attachment", kwargs={"pk": public.pk}) in body


def test_customer_replies_with_a_file(customer_a_client, ticket_a):
    response = customer_a_client.post(
        reverse("help:ticket-reply", kwargs={"pk": ticket_a.pk}),
        {"message": "Still loading after clearing the cache.", "attachments": [_file("after.png")]},
    )
    assert response.status_code == 302
    message = ticket_a.messages.order_by("-pk").first()
    assert message.body == "Still loading after clearing the cache."
    assert message.from_customer
    assert message.attachments.get().name == "after.png"


def test_empty_reply_re_renders_the_page_with_errors(customer_a_client, ticket_a):
    response = customer_a_client.post(reverse("help:ticket-reply", kwargs={"pk": ticket_a.pk}), {"message": ""})
    assert response.status_code == 200
    assert response.context["reply_form"].errors
    assert ticket_a.messages.count() == 1


def test_reply_to_a_resolved_ticket_reopens_it(customer_a_client, ticket_a, tier1_agent):
    _resolved(ticket_a, tier1_agent)
    customer_a_client.post(reverse("help:ticket-reply", kwargs={"pk": ticket_a.pk}), {"message": "Not fixed."})
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.OPEN
    assert ticket_a.reopen_count == 1


def test_closed_ticket_offers_a_new_ticket_instead_of_a_reply(customer_a_client, ticket_a, tier1_agent):
    # given
    _closed(ticket_a, tier1_agent)
    url = reverse("help:ticket-detail", kwargs={"pk": ticket_a.pk})
    # when
    page = customer_a_client.get(url).content.decode()
    refused = customer_a_client.post(reverse("help:ticket-reply", kwargs={"pk": ticket_a.pk}), {"message": "Hello?"})
    # then
    assert 'data-testid="reply"' not in page
    assert 'data-testid="closed"' in page
    assert reverse("help:ticket-new") in page
    assert refused.status_code == 200  # the service's refusal is a form error, never a 500
    assert "closed" in " ".join(refused.context["reply_form"].non_field_errors())
    assert ticket_a.messages.count() == 1


def test_merged_ticket_links_to_the_ticket_it_was_merged_into(customer_a, customer_a_client, tier1_agent):
    source, target = open_ticket(customer_a), open_ticket(customer_a)
    ticket_merge(source=source, target=target, actor=tier1_agent)
    page = customer_a_client.get(reverse("help:ticket-detail", kwargs={"pk": source.pk})).content.decode()
    assert reverse("help:ticket-detail", kwargs={"pk": target.pk}) in page
    assert 'data-testid="confirm"' not in page


def test_solved_resolves_an_active_ticket(customer_a_client, ticket_a):
    response = customer_a_client.post(reverse("help:ticket-confirm", kwargs={"pk": ticket_a.pk}), {"solved": "1"})
    assert response.status_code == 302
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.RESOLVED


def test_not_solved_reopens_a_resolved_ticket_and_solved_closes_it(customer_a_client, ticket_a, tier1_agent):
    url = reverse("help:ticket-confirm", kwargs={"pk": ticket_a.pk})
    _resolved(ticket_a, tier1_agent)
    customer_a_client.post(url, {"solved": "0"})
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.OPEN
    _resolved(ticket_a, tier1_agent)
    customer_a_client.post(url, {"solved": "1"})
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.CLOSED


def test_confirming_a_closed_ticket_is_a_message_not_an_error(customer_a_client, ticket_a, tier1_agent):
    _closed(ticket_a, tier1_agent)
    response = customer_a_client.post(
        reverse("help:ticket-confirm", kwargs={"pk": ticket_a.pk}), {"solved": "0"}, follow=True
    )
    assert response.status_code == 200
    assert any("closed" in str(m) for m in response.context["messages"])


def test_confirm_without_a_choice_changes_nothing(customer_a_client, ticket_a):
    response = customer_a_client.post(reverse("help:ticket-confirm", kwargs={"pk": ticket_a.pk}), {"solved": "maybe"})
    assert response.status_code == 302
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.NEW


def test_survey_is_offered_once_resolved_and_recorded_once(customer_a_client, ticket_a, tier1_agent):
    detail = reverse("help:ticket-detail", kwargs={"pk": ticket_a.pk})
    rating = reverse("help:ticket-rating", kwargs={"pk": ticket_a.pk})
    assert 'data-testid="csat"' not in customer_a_client.get(detail).content.decode()
    # when resolved
    _resolved(ticket_a, tier1_agent)
    assert customer_a_client.get(detail).context["can_rate"]
    response = customer_a_client.post(rating, {"rating": "5", "comment": "Fast and kind."})
    # then
    assert response.status_code == 302
    csat = CSATResponse.objects.get(ticket=ticket_a)
    assert (csat.rating, csat.comment) == (5, "Fast and kind.")
    page = customer_a_client.get(detail)
    assert not page.context["can_rate"]
    assert "5" in page.content.decode()
    # a second rating is refused on the form
    again = customer_a_client.post(rating, {"rating": "1"})
    assert again.status_code == 200
    assert "already" in " ".join(again.context["csat_form"].non_field_errors())
    assert CSATResponse.objects.get(ticket=ticket_a).rating == 5


@pytest.mark.parametrize("rating", ["0", "6", ""])
def test_rating_outside_1_to_5_re_renders_with_errors(customer_a_client, ticket_a, tier1_agent, rating):
    _resolved(ticket_a, tier1_agent)
    response = customer_a_client.post(reverse("help:ticket-rating", kwargs={"pk": ticket_a.pk}), {"rating": rating})
    assert response.status_code == 200
    assert "rating" in response.context["csat_form"].errors
    assert not CSATResponse.objects.exists()


def test_rating_an_active_ticket_is_refused_on_the_form(customer_a_client, ticket_a):
    response = customer_a_client.post(reverse("help:ticket-rating", kwargs={"pk": ticket_a.pk}), {"rating": "4"})
    assert response.status_code == 200
    assert response.context["csat_form"].non_field_errors()
    assert not CSATResponse.objects.exists()


def test_htmx_rating_returns_the_survey_card(customer_a_client, ticket_a, tier1_agent):
    _resolved(ticket_a, tier1_agent)
    response = customer_a_client.post(
        reverse("help:ticket-rating", kwargs={"pk": ticket_a.pk}), {"rating": "4"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card csat" id="csat"')
    assert "<html" not in body
    assert CSATResponse.objects.get(ticket=ticket_a).rating == 4


# ---------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------


@pytest.fixture
def attachments(ticket_a, tier1_agent):
    """A public attachment and one on an internal note, both on customer A's ticket."""
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Here is the guide.", attachments=[_file("guide.pdf")])
    ticket_reply(
        ticket=ticket_a, author=tier1_agent, body="Internal.", internal=True, attachments=[_file("secret.txt")]
    )
    return Attachment.objects.get(name="guide.pdf"), Attachment.objects.get(name="secret.txt")


def test_customer_downloads_a_public_attachment_of_their_ticket(customer_a_client, attachments):
    public, _note = attachments
    response = customer_a_client.get(reverse("help:attachment", kwargs={"pk": public.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="guide.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"\x89PNG fake image"


def test_customer_never_downloads_an_internal_notes_attachment(customer_a_client, attachments):
    _public, note = attachments
    assert customer_a_client.get(reverse("help:attachment", kwargs={"pk": note.pk})).status_code == 404


def test_another_customer_guessing_an_attachment_gets_404(customer_b_client, attachments):
    for attachment in attachments:
        assert customer_b_client.get(reverse("help:attachment", kwargs={"pk": attachment.pk})).status_code == 404
    assert customer_b_client.get(reverse("help:attachment", kwargs={"pk": 999_999})).status_code == 404


def test_desk_users_download_any_attachment(tier1_client, attachments):
    for attachment in attachments:
        assert tier1_client.get(reverse("help:attachment", kwargs={"pk": attachment.pk})).status_code == 200


def test_anonymous_download_goes_to_sign_in(anon_client, attachments):
    _assert_login_redirect(anon_client.get(reverse("help:attachment", kwargs={"pk": attachments[0].pk})))


# ---------------------------------------------------------------------------
# Refunds
# ---------------------------------------------------------------------------


def test_refund_form_offers_only_ones_refundable_orders_with_the_refundable_amount(customer_a, customer_a_client):
    # given A's paid order, a partly refunded one, a fully refunded one, and B's order
    paid = customer_a.orders.get()
    partly = OrderFactory(
        customer=customer_a,
        amount=Decimal("100.00"),
        refunded_amount=Decimal("40.00"),
        status=OrderStatus.PARTIALLY_REFUNDED,
    )
    OrderFactory(
        customer=customer_a, amount=Decimal("50.00"), refunded_amount=Decimal("50.00"), status=OrderStatus.REFUNDED
    )
    OrderFactory()
    # when
    response = customer_a_client.get(reverse("help:refund-new"), {"order": partly.pk})
    # then
    form = response.context["form"]
    assert set(form.fields["order"].queryset) == {paid, partly}
    assert form.initial == {"order": partly, "amount": Decimal("60.00")}


def test_refund_request_opens_a_ticket_and_shows_its_status(customer_a, customer_a_client):
    order = customer_a.orders.get()
    response = customer_a_client.post(
        reverse("help:refund-new"), {"order": order.pk, "amount": "", "reason": "The course is not what I expected."}
    )
    refund = RefundRequest.objects.get(order=order)
    assert response.status_code == 302
    assert response["Location"] == reverse("help:ticket-detail", kwargs={"pk": refund.ticket_id})
    assert refund.amount == order.amount  # empty amount: everything still refundable
    page = customer_a_client.get(response["Location"])
    assert 'data-testid="refund-status"' in page.content.decode()
    assert page.context["refund"] == refund


def test_refund_of_someone_elses_order_is_refused_by_the_form(customer_a_client, customer_b):
    response = customer_a_client.post(
        reverse("help:refund-new"), {"order": customer_b.orders.get().pk, "amount": "1", "reason": "Please."}
    )
    assert response.status_code == 200
    assert "order" in response.context["form"].errors
    assert not RefundRequest.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "100000"])
def test_refund_amount_errors_from_the_service_are_shown_on_the_form(customer_a, customer_a_client, amount):
    response = customer_a_client.post(
        reverse("help:refund-new"), {"order": customer_a.orders.get().pk, "amount": amount, "reason": "Please."}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not RefundRequest.objects.exists()
    assert not Ticket.objects.exists()


def test_second_refund_request_for_the_same_order_is_refused(customer_a, customer_a_client):
    data = {"order": customer_a.orders.get().pk, "amount": "10", "reason": "Please."}
    customer_a_client.post(reverse("help:refund-new"), data)
    response = customer_a_client.post(reverse("help:refund-new"), data)
    assert response.status_code == 200
    assert "already" in " ".join(response.context["form"].non_field_errors())
    assert RefundRequest.objects.count() == 1


def test_refund_page_without_refundable_orders_says_so(tier1_client):
    body = tier1_client.get(reverse("help:refund-new")).content.decode()
    assert 'data-testid="no-refundable-orders"' in body


# ---------------------------------------------------------------------------
# NPS
# ---------------------------------------------------------------------------


@pytest.fixture
def survey_a(customer_a) -> NPSResponse:
    return NPSResponse.objects.create(customer=customer_a)


def test_nps_page_without_an_open_survey_says_so(customer_a_client):
    response = customer_a_client.get(reverse("help:nps"))
    assert 'data-testid="no-survey"' in response.content.decode()
    posted = customer_a_client.post(reverse("help:nps"), {"score": "9"})
    assert posted.status_code == 302
    assert not NPSResponse.objects.exists()


def test_customer_answers_the_open_survey(customer_a_client, survey_a):
    assert 'data-testid="nps-form"' in customer_a_client.get(reverse("help:nps")).content.decode()
    response = customer_a_client.post(reverse("help:nps"), {"score": "9", "comment": "Good courses."})
    assert response.status_code == 302
    survey_a.refresh_from_db()
    assert (survey_a.score, survey_a.comment) == (9, "Good courses.")
    assert survey_a.answered_at is not None
    assert 'data-testid="no-survey"' in customer_a_client.get(reverse("help:nps")).content.decode()


@pytest.mark.parametrize("score", ["11", "-1", ""])
def test_nps_score_outside_0_to_10_re_renders_with_errors(customer_a_client, survey_a, score):
    response = customer_a_client.post(reverse("help:nps"), {"score": score})
    assert response.status_code == 200
    assert "score" in response.context["form"].errors
    survey_a.refresh_from_db()
    assert survey_a.answered_at is None


def test_another_customers_survey_is_not_offered(customer_b_client, survey_a):
    assert 'data-testid="no-survey"' in customer_b_client.get(reverse("help:nps")).content.decode()
    customer_b_client.post(reverse("help:nps"), {"score": "0"})
    survey_a.refresh_from_db()
    assert survey_a.answered_at is None


def test_help_home_loads_the_nps_banner_for_signed_in_people(
    anon_client, customer_a_client, customer_b_client, survey_a
):
    banner = reverse("help:nps-banner")
    assert banner in customer_a_client.get(reverse("help:home")).content.decode()
    assert banner not in anon_client.get(reverse("help:home")).content.decode()
    assert 'data-testid="nps-banner"' in customer_a_client.get(banner, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="nps-banner"' not in customer_b_client.get(banner).content.decode()
    assert 'data-testid="nps-banner"' not in anon_client.get(banner).content.decode()


def test_help_home_links_to_the_ticket_pages(anon_client, customer_a_client):
    anonymous = anon_client.get(reverse("help:home")).content.decode()
    signed_in = customer_a_client.get(reverse("help:home")).content.decode()
    assert f'href="{reverse("help:ticket-new")}"' in anonymous
    assert f'href="{reverse("help:ticket-list")}"' not in anonymous
    for name in ("help:ticket-list", "help:ticket-new", "help:refund-new", "help:notifications"):
        assert f'href="{reverse(name)}"' in signed_in


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------


def test_notifications_list_newest_first_with_unread_highlighted(customer_a, customer_a_client, ticket_a, tier1_agent):
    # given an older, read notification and a newer, unread one
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="First answer.")
    Notification.objects.filter(recipient=customer_a).update(read_at=timezone.now())
    _resolved(ticket_a, tier1_agent)
    # when
    response = customer_a_client.get(reverse("help:notifications"))
    # then
    rows = response.context["rows"]
    assert [row.notification.type for row in rows] == [
        "tickets.ticket.resolved",
        "tickets.ticket.agent_replied",
        "tickets.ticket.received",
    ]
    assert rows[0].notification.read_at is None
    assert all(row.url == reverse("help:ticket-detail", kwargs={"pk": ticket_a.pk}) for row in rows)
    body = response.content.decode()
    assert body.count('class="notification unread"') == 1
    assert ticket_a.reference in body


def test_notifications_are_only_ones_own(customer_b_client, ticket_a, tier1_agent):
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Answer for A.")
    assert customer_b_client.get(reverse("help:notifications")).context["rows"] == []


def test_mark_all_as_read(customer_a, customer_b, customer_a_client, ticket_a, ticket_b, tier1_agent):
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Answer for A.")
    ticket_reply(ticket=ticket_b, author=tier1_agent, body="Answer for B.")
    assert customer_a_client.get(reverse("help:notifications-read")).status_code == 405
    response = customer_a_client.post(reverse("help:notifications-read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=customer_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=customer_b, read_at__isnull=True).exists()


def test_desk_users_read_their_notifications_with_links_to_the_ticket(tier1_agent, tier1_client, customer_a):
    # given routing assigns the new ticket to the only agent, who is told so
    ticket = open_ticket(customer_a)
    # when
    response = tier1_client.get(reverse("help:notifications"))
    # then the link goes to the desk's ticket page once it exists, the help center's until then
    (row,) = response.context["rows"]
    assert row.notification.type == "tickets.ticket.assigned"
    assert row.url.endswith(f"/tickets/{ticket.pk}/")
    assert ticket.reference in row.text


def test_nps_notification_links_to_the_survey(customer_a, customer_a_client):
    notify(recipient=customer_a, type="tickets.nps.offered")
    (row,) = customer_a_client.get(reverse("help:notifications")).context["rows"]
    assert row.url == reverse("help:nps")


@pytest.mark.parametrize("type_", sorted(TEXTS))
def test_every_notification_type_has_its_own_sentence(customer_a, ticket_a, type_):
    notification = notify(
        recipient=customer_a, type=type_, ticket=ticket_a, amount="99.00", currency="CNY", status="pending"
    )
    text = notification_text(notification)
    params = {
        "reference": ticket_a.reference,
        "subject": ticket_a.subject,
        "amount": "99.00",
        "currency": "CNY",
        "status_label": "Waiting on customer",
    }
    assert text == str(TEXTS[type_]) % params
    if type_ != "tickets.nps.offered":
        assert ticket_a.reference in text


def test_unknown_types_and_missing_data_fall_back_to_a_generic_sentence(customer_a, ticket_a):
    unknown = notification_text(notify(recipient=customer_a, type="tickets.ticket.unheard_of", ticket=ticket_a))
    no_amount = notification_text(notify(recipient=customer_a, type="tickets.refund.approved", ticket=ticket_a))
    no_ticket = notification_text(notify(recipient=customer_a, type="tickets.ticket.unheard_of"))
    assert ticket_a.reference in unknown
    assert ticket_a.reference in no_amount
    assert no_ticket == "You have a new notification."


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
