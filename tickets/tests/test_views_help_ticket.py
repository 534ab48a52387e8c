"""The help center's ticket page: the public thread, replies, "solved"/"not solved", the
satisfaction survey, and attachments only the ticket's customer may download."""

import pytest
from django.urls import reverse

from tickets.models import (
    Attachment,
    CSATResponse,
    Status,
)
from tickets.services import ticket_merge, ticket_reply
from tickets.tests.factories import open_ticket
from tickets.tests.help_pages import assert_login_redirect, closed, resolved, upload

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# The ticket page
# ---------------------------------------------------------------------------


def test_ticket_page_shows_the_public_thread_without_internal_notes(customer_a_client, ticket_a, tier1_agent):
    # given an agent's public reply with a file and an internal note with a file
    ticket_reply(
        ticket=ticket_a, author=tier1_agent, body="Please clear the app cache.", attachments=[upload("howto.png")]
    )
    ticket_reply(
        ticket=ticket_a,
        author=tier1_agent,
        body="Customer seems to use an old app.",
        internal=True,
        attachments=[upload("internal-log.txt", b"log", "text/plain")],
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
        {"message": "Still loading after clearing the cache.", "attachments": [upload("after.png")]},
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
    resolved(ticket_a, tier1_agent)
    customer_a_client.post(reverse("help:ticket-reply", kwargs={"pk": ticket_a.pk}), {"message": "Not fixed."})
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.OPEN
    assert ticket_a.reopen_count == 1


def test_closed_ticket_offers_a_new_ticket_instead_of_a_reply(customer_a_client, ticket_a, tier1_agent):
    # given
    closed(ticket_a, tier1_agent)
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


def _asks(client, ticket) -> bool:
    page = client.get(reverse("help:ticket-detail", kwargs={"pk": ticket.pk})).content.decode()
    return 'data-testid="confirm"' in page


def test_a_new_ticket_does_not_ask_if_solved_before_anyone_answered(customer_a_client, ticket_a, tier1_agent):
    assert not _asks(customer_a_client, ticket_a)
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Only a note.", internal=True)
    assert not _asks(customer_a_client, ticket_a)
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Please clear the cache.")
    assert _asks(customer_a_client, ticket_a)


def test_after_solved_the_page_does_not_ask_again(customer_a_client, ticket_a, tier1_agent):
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Please clear the cache.")
    customer_a_client.post(reverse("help:ticket-confirm", kwargs={"pk": ticket_a.pk}), {"solved": "1"})
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.RESOLVED
    assert not _asks(customer_a_client, ticket_a)


def test_after_not_solved_the_page_asks_again_only_after_a_new_answer(customer_a_client, ticket_a, tier1_agent):
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Please clear the cache.", status=Status.PENDING)
    customer_a_client.post(reverse("help:ticket-confirm", kwargs={"pk": ticket_a.pk}), {"solved": "0"})
    assert not _asks(customer_a_client, ticket_a)
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="We re-encoded the video.")
    assert _asks(customer_a_client, ticket_a)


def test_a_ticket_resolved_by_an_agent_asks_for_confirmation(customer_a_client, ticket_a, tier1_agent):
    resolved(ticket_a, tier1_agent)
    assert _asks(customer_a_client, ticket_a)


def test_not_solved_reopens_a_resolved_ticket_and_solved_closes_it(customer_a_client, ticket_a, tier1_agent):
    url = reverse("help:ticket-confirm", kwargs={"pk": ticket_a.pk})
    resolved(ticket_a, tier1_agent)
    customer_a_client.post(url, {"solved": "0"})
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.OPEN
    resolved(ticket_a, tier1_agent)
    customer_a_client.post(url, {"solved": "1"})
    ticket_a.refresh_from_db()
    assert ticket_a.status == Status.CLOSED


def test_confirming_a_closed_ticket_is_a_message_not_an_error(customer_a_client, ticket_a, tier1_agent):
    closed(ticket_a, tier1_agent)
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
    resolved(ticket_a, tier1_agent)
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
    resolved(ticket_a, tier1_agent)
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
    resolved(ticket_a, tier1_agent)
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
    ticket_reply(ticket=ticket_a, author=tier1_agent, body="Here is the guide.", attachments=[upload("guide.pdf")])
    ticket_reply(
        ticket=ticket_a, author=tier1_agent, body="Internal.", internal=True, attachments=[upload("secret.txt")]
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
    assert_login_redirect(anon_client.get(reverse("help:attachment", kwargs={"pk": attachments[0].pk})))
