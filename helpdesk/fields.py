"""Model fields shared by the apps."""

from typing import Any

from django.db import models

from .crypto import secret_decrypt, secret_encrypt


class EncryptedTextField(models.TextField):
    """A secret (a password, a signing secret) that Python reads as plain text and the
    database holds only encrypted (``helpdesk.crypto``: Fernet under
    ``HELPDESK_ENCRYPTION_KEYS``). An empty value stays empty.

    Every save encrypts afresh, so the stored text differs each time: filtering or
    ordering by the field finds nothing useful. ``manage.py secrets_reencrypt`` rewrites
    every such field under the newest key.

    Use: ``secret = EncryptedTextField(_("secret"), blank=True)``. Turning an existing
    plain column into one takes three migrations: AlterField to ``TextField``, a RunPython
    that encrypts the rows (``helpdesk.crypto.secret_encrypt``, reversible with
    ``secret_decrypt``), then AlterField to ``EncryptedTextField``.
    """

    description = "Text stored encrypted"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return secret_decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if not value:
            return value
        return secret_encrypt(value)
