"""Integrations and their API keys."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import ApiKey, Integration

KEY_PREFIX = "hk_"
# last_used_at is written at most this often per key (seconds): not a write per request.
LAST_USED_EVERY = 60


@dataclass(frozen=True)
class NewKey:
    """A key as shown once: the only time its secret part exists outside the client."""

    api_key: ApiKey
    key: str


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, integration: Integration) -> NewKey:
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(integration=integration, prefix=prefix, key_hash=_hash(key))
    return NewKey(api_key=api_key, key=key)


@transaction.atomic
def integration_create(*, name: str) -> tuple[Integration, NewKey]:
    """A new integration with its first API key (and generated JWT and webhook secrets)."""
    integration = Integration.objects.create(name=name.strip())
    return integration, api_key_create(integration=integration)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(key: str) -> ApiKey | None:
    """The active key of an active integration that ``key`` is, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, _sep, rest = key.removeprefix(KEY_PREFIX).partition("_")
    if not prefix or not rest:
        return None
    api_key = (
        ApiKey.objects.select_related("integration")
        .filter(prefix=prefix, revoked_at__isnull=True, integration__is_active=True)
        .first()
    )
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _hash(key)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(seconds=LAST_USED_EVERY):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key
