"""Helpers of the help-center ticket tests (test_views_help*.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from tickets.models import Status, Ticket
from tickets.services import ticket_status_set

LOGIN_URL = reverse("login")


def upload(name: str = "screenshot.png", content: bytes = b"\x89PNG fake image", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def resolved(ticket: Ticket, agent: User) -> Ticket:
    return ticket_status_set(ticket=ticket, actor=agent, status=Status.RESOLVED)


def closed(ticket: Ticket, agent: User) -> Ticket:
    return ticket_status_set(ticket=resolved(ticket, agent), actor=agent, status=Status.CLOSED)
