"""Secrets at rest: encrypted in the database, readable with any configured key, rewritten
under the newest by ``secrets_reencrypt``, and existing rows encrypted by a reversible
data migration."""

import importlib
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from helpdesk.crypto import SecretUnreadableError, is_encrypted, secret_decrypt, secret_encrypt
from tickets.models import Mailbox

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _stored_password(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT imap_password FROM tickets_mailbox WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _mailbox() -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address="support@example.com",
        imap_host="imap.example.com",
        imap_user="u",
        imap_password="imap-Secret-42",
    )


def test_the_mailbox_password_is_stored_encrypted_and_read_in_plain_text():
    # when
    mailbox = _mailbox()
    # then
    stored = _stored_password(mailbox.pk)
    assert "imap-Secret-42" not in stored
    assert is_encrypted(stored)
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == "imap-Secret-42"


def test_each_save_encrypts_afresh():
    assert secret_encrypt("same") != secret_encrypt("same")


def test_rotation_reads_old_secrets_and_reencrypts_them_under_the_new_key(settings):
    # given: a secret written under the old key
    settings.HELPDESK_ENCRYPTION_KEYS = [OLD_KEY]
    mailbox = _mailbox()
    # when: a new key comes first, the old one stays, and the command runs
    settings.HELPDESK_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == "imap-Secret-42"
    out = io.StringIO()
    call_command("secrets_reencrypt", stdout=out)
    assert "tickets.Mailbox: 1 rows re-encrypted" in out.getvalue()
    # then: the new key alone reads it
    settings.HELPDESK_ENCRYPTION_KEYS = [NEW_KEY]
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == "imap-Secret-42"


def test_a_secret_without_its_key_is_an_error_not_an_empty_value(settings):
    settings.HELPDESK_ENCRYPTION_KEYS = [OLD_KEY]
    mailbox = _mailbox()
    settings.HELPDESK_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(SecretUnreadableError, match="secrets_reencrypt"):
        Mailbox.objects.get(pk=mailbox.pk)


def test_the_data_migration_encrypts_plain_passwords_and_reverses():
    # given: the schema as it is before the data migration, with a plain-text password
    migration = importlib.import_module("tickets.migrations.0014_encrypt_mailbox_passwords")
    state = MigrationExecutor(connection).loader.project_state(("tickets", "0013_mailbox_password_text"))
    historical = state.apps.get_model("tickets", "Mailbox")
    row = historical.objects.create(
        name="Old", address="old@example.com", imap_host="imap.example.com", imap_user="u", imap_password="plain-Pw"
    )
    # when
    migration.encrypt(state.apps, None)
    migration.encrypt(state.apps, None)  # idempotent
    # then
    assert secret_decrypt(_stored_password(row.pk)) == "plain-Pw"
    assert Mailbox.objects.get(pk=row.pk).imap_password == "plain-Pw"
    # and back
    migration.decrypt(state.apps, None)
    assert _stored_password(row.pk) == "plain-Pw"


# --- the second factor's secret (TOTP) ---------------------------------------------


def _stored_totp_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM helpdesk_encryptedtotpdevice ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _plain_totp_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
        return cursor.fetchone()[0]


def _code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_authenticator_apps_secret_is_stored_encrypted_and_survives_rotation(settings):
    from accounts.tests.factories import PASSWORD, agent
    from helpdesk.models import EncryptedTOTPDevice

    settings.HELPDESK_ENCRYPTION_KEYS = [OLD_KEY]
    staff = agent("li.na@example.com")
    client = Client()
    client.post("/accounts/login/", {"username": staff.email, "password": PASSWORD})
    # when: a staff member sets up an authenticator app through the page
    assert client.get(reverse("second-factor-setup")).status_code == 200
    device = EncryptedTOTPDevice.objects.get(user=staff)
    assert client.post(reverse("second-factor-setup"), {"code": _code(device)}).status_code == 302
    # then: the column holds only ciphertext, django-otp's plain table nothing
    [stored] = _stored_totp_keys()
    assert is_encrypted(stored)
    assert device.key not in stored
    assert secret_decrypt(stored) == device.key
    assert _plain_totp_rows() == 0
    # rotation: the new key first, re-encrypt, then the new key alone still verifies codes
    settings.HELPDESK_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = io.StringIO()
    call_command("secrets_reencrypt", stdout=out)
    assert "helpdesk.EncryptedTOTPDevice: 1 rows re-encrypted" in out.getvalue()
    settings.HELPDESK_ENCRYPTION_KEYS = [NEW_KEY]
    assert _stored_totp_keys() != [stored]
    fresh = EncryptedTOTPDevice.objects.get(pk=device.pk)
    assert fresh.key == device.key
    fresh.last_t = -1  # the code given at set-up may be given again in this test
    assert fresh.verify_token(_code(fresh))


def test_the_data_migration_moves_plain_totp_devices_into_the_encrypted_table_and_back():
    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.tests.factories import agent
    from helpdesk.models import EncryptedTOTPDevice

    migration = importlib.import_module("helpdesk.migrations.0004_totp_device_encrypted")
    staff = agent("li.na@example.com")
    plain = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True, drift=1, last_t=7)
    # when
    migration.encrypt(apps, None)
    # then
    assert _plain_totp_rows() == 0
    [stored] = _stored_totp_keys()
    assert secret_decrypt(stored) == plain.key
    moved = EncryptedTOTPDevice.objects.get(user=staff)
    assert (moved.name, moved.confirmed, moved.drift, moved.last_t, moved.created_at) == (
        "phone",
        True,
        1,
        7,
        plain.created_at,
    )
    assert moved.persistent_id.startswith("helpdesk.encryptedtotpdevice/")
    # and back
    migration.decrypt(apps, None)
    assert TOTPDevice.objects.get(user=staff).key == plain.key
    assert not EncryptedTOTPDevice.objects.exists()
