"""Webhooks out, received by a real HTTP server in the test; webhooks in, signed."""

import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Course
from accounts.tests.factories import OrderFactory
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription, new_secret
from tickets.services import refund_approve, refund_request_open
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A platform's webhook endpoint on 127.0.0.1: fails the first ``fail`` requests with
    500, then stores each event once by its Idempotency-Key, checking every signature."""

    def __init__(self, secret: str, fail: int = 0) -> None:
        self.secret, self.fail = secret, fail
        self.requests: list[tuple[int, dict]] = []
        self.events: dict[str, dict] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ts = self.headers["X-Helpdesk-Timestamp"]
                expected = (
                    "v1=" + hmac.new(receiver.secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
                )
                if not hmac.compare_digest(expected, self.headers["X-Helpdesk-Signature"]):
                    status = 401
                elif receiver.fail > 0:
                    receiver.fail -= 1
                    status = 500
                else:
                    receiver.events.setdefault(self.headers["Idempotency-Key"], json.loads(body))
                    status = 200
                receiver.requests.append((status, dict(self.headers)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _eager_retries(monkeypatch):
    """Eager tasks run their retries at once; a retry must not surface as an error here."""
    from helpdesk.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def receiver_for(integration, settings):
    # The receivers listen on loopback, which webhooks refuse unless allowed.
    settings.HELPDESK_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    made = []

    def make(fail: int = 0, event_types: list[str] | None = None) -> Receiver:
        receiver = Receiver(new_secret(), fail=fail)
        WebhookSubscription.objects.create(
            integration=integration, url=receiver.url, secret=receiver.secret, event_types=event_types or []
        )
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


def test_a_refund_approved_in_the_desk_reaches_the_platform_signed(receiver_for, customer_a, tier2_agent):
    receiver = receiver_for(event_types=["refund.approved", "ticket.created"])
    customer_a.customer_profile.platform_user_id = "u-a"
    customer_a.customer_profile.save()
    order = OrderFactory(customer=customer_a, number="O-77", amount=Decimal("199.00"))
    refund = refund_request_open(customer=customer_a, order=order, amount=Decimal("99.00"), reason="不想学了")
    refund_approve(request=refund, actor=tier2_agent)

    names = sorted(body["type"] for body in receiver.events.values())
    assert names == ["refund.approved", "ticket.created"]
    approved = next(b for b in receiver.events.values() if b["type"] == "refund.approved")
    assert approved["data"]["refund"] == {
        "order": "O-77",
        "currency": order.currency,
        "requested_amount": "99.00",
        "approved_amount": "99.00",
        "status": "approved",
    }
    assert approved["data"]["customer"]["external_id"] == "u-a"
    assert approved["data"]["ticket"]["url"].startswith("http://testserver/tickets/")
    assert "reason" not in approved["data"]
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2


def test_a_receiver_that_fails_twice_gets_each_event_once(receiver_for, customer_a):
    receiver = receiver_for(fail=2, event_types=["ticket.created"])
    ticket = open_ticket(customer_a)
    assert [status for status, _headers in receiver.requests] == [500, 500, 200]
    keys = {headers["Idempotency-Key"] for _status, headers in receiver.requests}
    assert len(keys) == 1  # the same key on every retry
    assert list(receiver.events.values())[0]["data"]["ticket"]["reference"] == ticket.reference
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.SUCCEEDED, 3, 200)


def test_a_subscription_failing_again_and_again_is_disabled(receiver_for, customer_a):
    receiver = receiver_for(fail=1000, event_types=["ticket.created"])
    with override_settings(HELPDESK_WEBHOOK_DISABLE_AFTER=5):
        open_ticket(customer_a)
        open_ticket(customer_a)
    subscription = WebhookSubscription.objects.get()
    assert subscription.disabled_at is not None
    statuses = list(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.FAILED]  # the second ticket found it disabled
    assert len(receiver.requests) == 9  # one try and eight retries, all logged as 500
    assert WebhookDelivery.objects.get().response_status == 500


def _signed(integration, body: dict, *, ts: int | None = None, secret: str | None = None) -> dict:
    raw = json.dumps(body).encode()
    ts = ts or int(time.time())
    digest = hmac.new(
        (secret or integration.webhook_secret).encode(), f"{ts}.".encode() + raw, hashlib.sha256
    ).hexdigest()
    return {
        "data": raw,
        "content_type": "application/json",
        "HTTP_X_HELPDESK_TIMESTAMP": str(ts),
        "HTTP_X_HELPDESK_SIGNATURE": f"v1={digest}",
    }


def test_signed_webhooks_in_upsert_and_unsigned_or_stale_ones_are_refused(integration):
    client = APIClient()
    url = reverse("api:integration-webhooks")
    body = {"resource": "courses", "items": [{"external_id": "c1", "title": "经济学 30 讲", "price": "99.00"}]}
    ok = client.post(url, **_signed(integration, body))
    assert ok.status_code == 200
    assert ok.json()["created"] == 1
    assert Course.objects.get(code="c1").title == "经济学 30 讲"
    assert client.post(url, **_signed(integration, body)).json()["unchanged"] == 1

    stale = client.post(url, **_signed(integration, body, ts=int(time.time()) - 3600))
    wrong = client.post(url, **_signed(integration, body, secret="a-guess-that-is-long-enough-for-hs256-32b"))
    unsigned = client.post(url, body, format="json")
    assert [stale.status_code, wrong.status_code, unsigned.status_code] == [401, 401, 401]
    bad = client.post(url, **_signed(integration, {"resource": "planets", "items": []}))
    assert bad.status_code == 400


def test_a_webhook_to_loopback_is_refused_and_logged_unless_allowed(integration, customer_a, settings):
    # given a subscription a manager pointed at this machine, with no network allowed
    settings.HELPDESK_OUTBOUND_ALLOWED_NETWORKS = []
    receiver = Receiver("irrelevant")
    try:
        WebhookSubscription.objects.create(integration=integration, url=receiver.url, event_types=["ticket.created"])
        # when an event is delivered
        open_ticket(customer_a)
        # then nothing reached the server and the delivery says why
        assert receiver.requests == []
        delivery = WebhookDelivery.objects.get()
        assert delivery.status != DeliveryStatus.SUCCEEDED
        assert "127.0.0.1" in delivery.last_error
    finally:
        receiver.close()
