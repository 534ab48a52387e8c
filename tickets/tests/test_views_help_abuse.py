"""The anonymous ticket form is no relay: submissions are limited per client address and
per email address, bursts must solve a proof-of-work challenge, requests have a size cap,
and a double submit opens one ticket."""

import base64
import html
import json

import pytest
from altcha import solve_challenge_v1
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tickets.models import Ticket

pytestmark = pytest.mark.django_db
URL = "/tickets/new/"


def _data(n: int, email: str | None = None, **extra) -> dict:
    return {
        "name": f"Visitor {n}",
        "email": email or f"visitor{n}@example.org",
        "subject": f"Question {n}",
        "message": "Hello",
        **extra,
    }


def _solve(page: str) -> str:
    """What static/js/challenge.js does in the browser."""
    start = page.index("data-challenge=") + len('data-challenge="')
    task = json.loads(html.unescape(page[start : page.index('"', start)]))
    solution = solve_challenge_v1(task["challenge"], task["salt"], task["algorithm"], task["maxnumber"])
    payload = {k: task[k] for k in ("algorithm", "challenge", "salt", "signature")} | {"number": solution.number}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def test_a_burst_from_one_address_must_solve_the_challenge_then_is_capped(settings):
    settings.HELPDESK_ANON_CHALLENGE_AFTER = 2
    settings.HELPDESK_ANON_TICKETS_PER_ADDRESS_PER_HOUR = 4
    client = Client(REMOTE_ADDR="203.0.113.5")
    # the first two go straight through
    for n in range(2):
        assert client.post(URL, _data(n)).status_code == 302
    # then the form carries a challenge; without its answer, nothing is created
    page = client.get(URL).content.decode()
    assert "data-challenge=" in page
    refused = client.post(URL, _data(2))
    assert refused.status_code == 400
    assert Ticket.objects.count() == 2
    # solved (as the browser does), it goes through; an answer is used once only
    proof = _solve(page)
    assert client.post(URL, _data(3, proof=proof)).status_code == 302
    assert client.post(URL, _data(4, proof=proof)).status_code == 400
    assert client.post(URL, _data(5, proof=_solve(client.get(URL).content.decode()))).status_code == 302
    # past the hourly cap: refused whatever the proof
    capped = client.post(URL, _data(6, proof=_solve(client.get(URL).content.decode())))
    assert capped.status_code == 429
    assert Ticket.objects.count() == 4
    # another address is not affected
    assert Client(REMOTE_ADDR="198.51.100.1").post(URL, _data(7)).status_code == 302


def test_four_hundred_ninety_submissions_from_one_client_are_not_all_accepted(settings):
    client = Client(REMOTE_ADDR="203.0.113.5")
    statuses = [client.post(URL, _data(n)).status_code for n in range(30)]
    assert Ticket.objects.count() <= settings.HELPDESK_ANON_CHALLENGE_AFTER
    assert set(statuses[settings.HELPDESK_ANON_CHALLENGE_AFTER :]) <= {400, 429}


def test_one_email_address_gets_few_tickets_from_anywhere(settings):
    settings.HELPDESK_ANON_TICKETS_PER_EMAIL_PER_HOUR = 2
    for n in range(2):
        assert Client(REMOTE_ADDR=f"203.0.113.{n}").post(URL, _data(n, "Victim@Example.org")).status_code == 302
    response = Client(REMOTE_ADDR="203.0.113.9").post(URL, _data(9, "victim@example.org"))
    assert response.status_code == 429
    assert Ticket.objects.count() == 2


def test_a_request_over_the_size_cap_is_refused_before_the_view(settings):
    settings.HELPDESK_REQUEST_MAX_BYTES = 100_000
    big = SimpleUploadedFile("big.bin", b"x" * 200_000, "application/octet-stream")
    response = Client().post(URL, _data(1, attachments=big))
    assert response.status_code == 413
    assert not Ticket.objects.exists()


def test_the_same_form_submitted_twice_opens_one_ticket(customer_a_client):
    token = customer_a_client.get(URL).context["form"].initial["submission"]
    data = {"subject": "Invoice", "message": "Please send it.", "submission": token}
    first = customer_a_client.post(URL, data)
    second = customer_a_client.post(URL, data)
    assert Ticket.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_an_anonymous_double_submit_opens_one_ticket():
    client = Client()
    token = client.get(URL).context["form"].initial["submission"]
    client.post(URL, _data(1, submission=token))
    response = client.post(URL, _data(1, submission=token))
    assert response["Location"] == reverse("help:ticket-submitted")
    assert Ticket.objects.count() == 1


def test_with_the_cache_unreachable_a_submission_is_still_accepted(settings):
    """The double-submit guard must not refuse every ticket while Redis is away."""
    import socket

    from helpdesk.cache import ResilientRedisCacheClient

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    ResilientRedisCacheClient.down_until = 0.0
    try:
        client = Client()
        token = client.get(URL).context["form"].initial["submission"]
        response = client.post(URL, _data(1, submission=token))
    finally:
        ResilientRedisCacheClient.down_until = 0.0
    assert response.status_code == 302
    assert response["Location"] == reverse("help:ticket-submitted")
    assert Ticket.objects.filter(customer__email="visitor1@example.org").count() == 1
