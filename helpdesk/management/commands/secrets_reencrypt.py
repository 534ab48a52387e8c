"""Rewrite every stored secret under the newest key of HELPDESK_ENCRYPTION_KEYS."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from helpdesk.fields import EncryptedTextField

BATCH = 500  # rows per UPDATE batch; secrets are few (mailboxes, integrations, webhooks)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the newest key of HELPDESK_ENCRYPTION_KEYS. "
        "Run after putting a new key first; remove the old keys afterwards."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            count = 0
            with transaction.atomic():
                rows = list(model._default_manager.select_for_update().only("pk", *fields))
                for start in range(0, len(rows), BATCH):
                    # Reading decrypted with any key; saving encrypts with the newest.
                    model._default_manager.bulk_update(rows[start : start + BATCH], fields)
                    count += len(rows[start : start + BATCH])
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted ({', '.join(fields)})")
