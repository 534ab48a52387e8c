from django.db import migrations

SECRETS = [("Integration", "jwt_secret"), ("Integration", "webhook_secret"), ("WebhookSubscription", "secret")]


def encrypt(apps, schema_editor):
    """Encrypt the secrets stored in plain text (idempotent: encrypted ones are skipped)."""
    from helpdesk.crypto import is_encrypted, secret_encrypt

    for model_name, field in SECRETS:
        model = apps.get_model("integrations", model_name)
        for pk, value in model.objects.values_list("pk", field):
            if value and not is_encrypted(value):
                model.objects.filter(pk=pk).update(**{field: secret_encrypt(value)})


def decrypt(apps, schema_editor):
    from helpdesk.crypto import is_encrypted, secret_decrypt

    for model_name, field in SECRETS:
        model = apps.get_model("integrations", model_name)
        for pk, value in model.objects.values_list("pk", field):
            if value and is_encrypted(value):
                model.objects.filter(pk=pk).update(**{field: secret_decrypt(value)})


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_secrets_text")]

    operations = [migrations.RunPython(encrypt, decrypt)]
