"""Security headers on every surface, no inline script for the policy to block, refused
requests logged without a traceback, uploads only through the permission-checked view."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db

SURFACES = [
    ("anon", "help:home"),
    ("anon", "login"),
    ("customer_a", "help:ticket-list"),
    ("tier1", "desk:queue"),
    ("manager", "reports:home"),
    ("admin", "admin:index"),
    ("tier1", "api:me"),
    ("tier1", "passkeys"),
    ("tier1", "second-factor-verify"),
]


@pytest.mark.parametrize(("role", "url_name"), SURFACES)
def test_every_surface_sends_the_security_headers(clients, role, url_name):
    response = clients(role).get(reverse(url_name))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if role != "anon":
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("role", "url_name"), SURFACES)
def test_no_page_has_an_inline_event_handler_the_policy_would_block(clients, role, url_name):
    text = clients(role).get(reverse(url_name)).content.decode()
    for handler in (" onclick=", " onsubmit=", " onchange=", " onload="):
        assert handler not in text


def test_a_403_is_one_log_line_without_a_traceback(customer_a_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert customer_a_client.get(reverse("desk:queue")).status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert "Forbidden" in record.getMessage()
    assert record.exc_info is None


def test_uploaded_files_are_not_served_from_media_url(anon_client, customer_a):
    ticket = open_ticket(customer_a, attachments=[SimpleUploadedFile("id.png", b"png", "image/png")])
    attachment = ticket.messages.get().attachments.get()
    assert anon_client.get(f"/media/{attachment.file.name}").status_code == 404


def test_the_web_server_can_send_the_file_after_the_permission_check(customer_a, customer_a_client, settings):
    settings.HELPDESK_ATTACHMENT_SENDFILE = "x-accel-redirect"
    ticket = open_ticket(customer_a, attachments=[SimpleUploadedFile("id.png", b"png", "image/png")])
    attachment = ticket.messages.get().attachments.get()
    response = customer_a_client.get(reverse("help:attachment", args=[attachment.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
    assert response.content == b""
    assert 'filename="id.png"' in response["Content-Disposition"]
