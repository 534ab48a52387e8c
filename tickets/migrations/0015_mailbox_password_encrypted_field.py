import helpdesk.fields
from django.db import migrations


class Migration(migrations.Migration):
    """The password is read and written through the encrypting field from now on (no
    change to the column)."""

    dependencies = [("tickets", "0014_encrypt_mailbox_passwords")]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="imap_password",
            field=helpdesk.fields.EncryptedTextField(verbose_name="IMAP password"),
        ),
    ]
