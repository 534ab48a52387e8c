"""The customer's account pages in the help center: refund requests, the NPS survey and
notifications."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrderStatus
from accounts.tests.factories import OrderFactory
from tickets.models import (
    Notification,
    NPSResponse,
    RefundRequest,
    Ticket,
)
from tickets.notification_texts import TEXTS, notification_text
from tickets.services import notify, ticket_reply
from tickets.tests.factories import open_ticket
from tickets.tests.help_pages import resolved

pytestmark = pytest.mark.django_db


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


def test_answering_the_survey_ends_the_banner_even_with_older_offers_left_open(customer_a, customer_a_client):
    # given an offer of two quarters ago never answered, and this quarter's
    now = timezone.now()
    NPSResponse.objects.create(customer=customer_a, offered_at=now - timezone.timedelta(days=200))
    NPSResponse.objects.create(customer=customer_a, offered_at=now - timezone.timedelta(days=2))
    # when the customer answers
    response = customer_a_client.post(reverse("help:nps"), {"score": "8"}, follow=True)
    # then the thanks come without another request to answer
    assert "Thank you for answering" in response.content.decode()
    banner = customer_a_client.get(reverse("help:nps-banner")).content.decode()
    assert 'data-testid="nps-banner"' not in banner
    assert 'data-testid="no-survey"' in customer_a_client.get(reverse("help:nps")).content.decode()


def test_an_offer_older_than_the_interval_is_not_asked(customer_a, customer_a_client, settings):
    long_ago = timezone.now() - timezone.timedelta(days=settings.HELPDESK_NPS_INTERVAL_DAYS + 1)
    NPSResponse.objects.create(customer=customer_a, offered_at=long_ago)
    assert 'data-testid="nps-banner"' not in customer_a_client.get(reverse("help:nps-banner")).content.decode()


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
    resolved(ticket_a, tier1_agent)
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
