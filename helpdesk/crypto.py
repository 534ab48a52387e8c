"""Secrets at rest: encrypted with Fernet (AES-128-CBC and HMAC-SHA256, from the
``cryptography`` package) under keys from the environment.

``HELPDESK_ENCRYPTION_KEYS`` lists Fernet keys, newest first: values are encrypted with the
first and read with any of them (``MultiFernet``). To rotate: put a new key first, keep
the old ones, run ``manage.py secrets_reencrypt``, then remove the old keys.
https://cryptography.io/en/latest/fernet/#cryptography.fernet.MultiFernet

A stored value is ``fernet:<token>``; the prefix tells an encrypted value from a plain one
(data migrations of existing rows rely on it).
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "fernet:"


class SecretUnreadableError(ValueError):
    """A stored secret that none of the configured keys opens: a key was removed before
    ``secrets_reencrypt`` ran, or the value was altered."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.HELPDESK_ENCRYPTION_KEYS))


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def secret_encrypt(plain: str) -> str:
    """The stored form of ``plain``, under the newest key (a fresh IV each time)."""
    return PREFIX + _current().encrypt(plain.encode()).decode("ascii")


def secret_decrypt(stored: str) -> str:
    """The plain text of a stored secret. Raises ``SecretUnreadableError``."""
    if not is_encrypted(stored):
        raise SecretUnreadableError("the stored value is not an encrypted secret")
    try:
        return _current().decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadableError(
            "a stored secret cannot be decrypted with HELPDESK_ENCRYPTION_KEYS (was a key removed before "
            "`manage.py secrets_reencrypt` ran?)"
        ) from exc


def secret_reencrypt(stored: str) -> str:
    """The same secret under the newest key."""
    return PREFIX + _current().rotate(stored.removeprefix(PREFIX).encode("ascii")).decode("ascii")
