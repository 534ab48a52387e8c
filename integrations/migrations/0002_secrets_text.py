from django.db import migrations, models

import integrations.models


class Migration(migrations.Migration):
    """The secret columns become text, long enough for their encrypted form."""

    dependencies = [("integrations", "0001_integrations_initial")]

    operations = [
        migrations.AlterField(
            model_name="integration",
            name="jwt_secret",
            field=models.TextField(default=integrations.models.new_secret, verbose_name="JWT secret"),
        ),
        migrations.AlterField(
            model_name="integration",
            name="webhook_secret",
            field=models.TextField(default=integrations.models.new_secret, verbose_name="inbound webhook secret"),
        ),
        migrations.AlterField(
            model_name="webhooksubscription",
            name="secret",
            field=models.TextField(default=integrations.models.new_secret, verbose_name="signing secret"),
        ),
    ]
