from django.db import migrations


def encrypt(apps, schema_editor):
    """Encrypt the passwords stored in plain text (idempotent: encrypted ones are skipped)."""
    from helpdesk.crypto import is_encrypted, secret_encrypt

    Mailbox = apps.get_model("tickets", "Mailbox")
    for pk, password in Mailbox.objects.values_list("pk", "imap_password"):
        if password and not is_encrypted(password):
            Mailbox.objects.filter(pk=pk).update(imap_password=secret_encrypt(password))


def decrypt(apps, schema_editor):
    from helpdesk.crypto import is_encrypted, secret_decrypt

    Mailbox = apps.get_model("tickets", "Mailbox")
    for pk, password in Mailbox.objects.values_list("pk", "imap_password"):
        if password and is_encrypted(password):
            Mailbox.objects.filter(pk=pk).update(imap_password=secret_decrypt(password))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0013_mailbox_password_text")]

    operations = [migrations.RunPython(encrypt, decrypt)]
