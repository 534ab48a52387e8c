"""Consumers of domain events owned by integrations (registered in ``IntegrationsConfig.ready``)."""

from helpdesk.events import consumer
from helpdesk.models import Event

from .webhooks import WEBHOOK_TYPES, deliveries_create


@consumer("integrations.webhooks", types=WEBHOOK_TYPES)
def webhooks_enqueue(event: Event) -> None:
    deliveries_create(event=event)
