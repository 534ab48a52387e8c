"""Webhooks out: the domain events the platform subscribed to, signed and delivered with
retries, each delivery logged.

Every request carries ``X-Helpdesk-Timestamp`` and ``X-Helpdesk-Signature: v1=<hex>``,
the HMAC-SHA256 of ``"<timestamp>.<body>"`` with the subscription's secret, and
``Idempotency-Key: evt_<event id>``: a retried delivery has the same key, so a receiver
that stores the keys it handled gets each event once.
"""

import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from helpdesk.events import task_enqueue
from helpdesk.models import Event
from helpdesk.outbound import OutboundAddressRefusedError, outbound_url_check
from tickets.models import RefundRequest, Ticket

from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription

# The outbox types that go out, by the name the platform sees (the app prefix dropped).
WEBHOOK_TYPES = frozenset(
    {
        "tickets.ticket.created",
        "tickets.ticket.status_changed",
        "tickets.ticket.resolved",
        "tickets.ticket.escalated",
        "tickets.ticket.assigned",
        "tickets.message.created",
        "tickets.refund.requested",
        "tickets.refund.approved",
        "tickets.refund.rejected",
        "tickets.csat.received",
        "tickets.nps.received",
    }
)
WEBHOOK_EVENT_NAMES = sorted(t.split(".", 1)[1] for t in WEBHOOK_TYPES)
TIMEOUT_SECONDS = 10
# Payload keys never sent out: free-text reasons may quote internal notes.
PRIVATE_KEYS = frozenset({"reason"})


def webhook_event_name(event_type: str) -> str:
    return event_type.split(".", 1)[1]


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``timestamp.body``; the receiver recomputes it."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def deliveries_create(*, event: Event) -> list[WebhookDelivery]:
    """One delivery per active subscription that wants the event, once (idempotent), each
    enqueued after commit."""
    name = webhook_event_name(event.type)
    subscriptions = WebhookSubscription.objects.filter(
        is_active=True, disabled_at__isnull=True, integration__is_active=True
    )
    created = []
    for subscription in subscriptions:
        if not subscription.wants(name):
            continue
        delivery, new = WebhookDelivery.objects.get_or_create(
            subscription=subscription, event=event, defaults={"event_name": name}
        )
        if new:
            created.append(delivery)
    if created:
        from .tasks import webhook_deliver_task

        ids = [d.pk for d in created]
        transaction.on_commit(lambda: [webhook_deliver_task.delay(pk) for pk in ids])
    return created


def _ticket_data(ticket: Ticket) -> dict[str, Any]:
    profile = getattr(ticket.customer, "customer_profile", None)
    return {
        "ticket": {
            "id": ticket.pk,
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.status,
            "tier": ticket.tier,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "url": f"{settings.HELPDESK_SITE_URL}/tickets/{ticket.pk}/",
        },
        "customer": {
            "external_id": profile.platform_user_id if profile is not None else "",
            "email": ticket.customer.email,
        },
    }


def webhook_body(event: Event) -> dict[str, Any]:
    """What the platform receives for ``event``: its id, name and time, the ticket and
    customer as they are now, the order of a refund, and the event's own data."""
    data: dict[str, Any] = {k: v for k, v in event.payload.items() if k not in PRIVATE_KEYS}
    if event.ticket_id is not None:
        ticket = Ticket.objects.select_related("customer__customer_profile").filter(pk=event.ticket_id).first()
        if ticket is not None:
            data.update(_ticket_data(ticket))
    if event.type.startswith("tickets.refund.") and event.ticket_id is not None:
        refund = RefundRequest.objects.select_related("order").filter(ticket_id=event.ticket_id).first()
        if refund is not None:
            data["refund"] = {
                "order": refund.order.number,
                "currency": refund.order.currency,
                "requested_amount": str(refund.amount),
                "approved_amount": str(refund.approved_amount) if refund.approved_amount is not None else None,
                "status": refund.status,
            }
    if event.customer_id is not None and "customer" not in data:
        from accounts.models import CustomerProfile

        profile = CustomerProfile.objects.filter(user_id=event.customer_id).select_related("user").first()
        if profile is not None:
            data["customer"] = {"external_id": profile.platform_user_id, "email": profile.user.email}
    return {
        "id": event.pk,
        "type": webhook_event_name(event.type),
        "created_at": event.created_at.isoformat(),
        "data": data,
    }


class DeliveryFailed(Exception):
    """The receiver answered outside 2xx, or could not be reached."""


def webhook_deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """POST one delivery. Raises ``DeliveryFailed`` for the task to retry; the attempt
    is logged either way. A delivered one is not sent again."""
    delivery = WebhookDelivery.objects.select_related("subscription", "event").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.SUCCEEDED:
        return delivery
    subscription = delivery.subscription
    body = json.dumps(webhook_body(delivery.event), ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "helpdesk-webhooks/1",
        "X-Helpdesk-Event": delivery.event_name,
        "X-Helpdesk-Delivery": str(delivery.pk),
        "X-Helpdesk-Timestamp": timestamp,
        "X-Helpdesk-Signature": signature(secret=subscription.secret, timestamp=timestamp, body=body),
        "Idempotency-Key": f"evt_{delivery.event_id}",
    }
    delivery.attempts += 1
    try:
        # The URL is a manager's: never let it reach loopback or private ranges unless allowed.
        outbound_url_check(subscription.url)
    except OutboundAddressRefusedError as exc:
        _failed(delivery, status_code=None, error=str(exc))
        raise DeliveryFailed(str(exc)) from exc
    try:
        response = requests.post(
            subscription.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as exc:
        _failed(delivery, status_code=None, error=f"{type(exc).__name__}: {exc}")
        raise DeliveryFailed(str(exc)) from exc
    if not 200 <= response.status_code < 300:
        _failed(delivery, status_code=response.status_code, error=response.text[:500])
        raise DeliveryFailed(f"HTTP {response.status_code}")
    delivery.status, delivery.response_status, delivery.last_error = DeliveryStatus.SUCCEEDED, response.status_code, ""
    delivery.delivered_at = timezone.now()
    delivery.save(update_fields=["status", "response_status", "last_error", "delivered_at", "attempts"])
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
    return delivery


def _failed(delivery: WebhookDelivery, *, status_code: int | None, error: str) -> None:
    delivery.response_status, delivery.last_error = status_code, error
    delivery.save(update_fields=["response_status", "last_error", "attempts"])
    WebhookSubscription.objects.filter(pk=delivery.subscription_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    WebhookSubscription.objects.filter(
        pk=delivery.subscription_id,
        disabled_at__isnull=True,
        consecutive_failures__gte=settings.HELPDESK_WEBHOOK_DISABLE_AFTER,
    ).update(disabled_at=timezone.now())


def webhook_delivery_given_up(*, delivery_id: int) -> None:
    """The permanent failure path after the task's retries: FAILED, visible in the admin
    with its last status code, and redeliverable from there."""
    WebhookDelivery.objects.filter(pk=delivery_id).exclude(status=DeliveryStatus.SUCCEEDED).update(
        status=DeliveryStatus.FAILED
    )


def webhook_redeliver(*, delivery: WebhookDelivery) -> None:
    """Send a delivery again (from the admin), whatever happened to it before."""
    from .tasks import webhook_deliver_task

    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    task_enqueue(webhook_deliver_task, delivery.pk)


def retry_countdown(retries: int) -> int:
    """Seconds before retry ``retries + 1``: 30 s, 1, 2, 4 … minutes, at most an hour."""
    return int(min(timedelta(seconds=30 * 2**retries), timedelta(hours=1)).total_seconds())
