from django.db import migrations, models


class Migration(migrations.Migration):
    """The IMAP password column becomes text, long enough for its encrypted form."""

    dependencies = [("tickets", "0012_macro")]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="imap_password",
            field=models.TextField(verbose_name="IMAP password"),
        ),
    ]
