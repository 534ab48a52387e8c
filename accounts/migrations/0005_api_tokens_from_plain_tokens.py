import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def hash_plain_tokens(apps, schema_editor):
    """Every plain-text DRF token becomes a hashed, write-scoped ApiToken with the same key
    (clients keep working), expiring in 90 days; the plain rows are deleted."""
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    for token in Token.objects.all():
        ApiToken.objects.get_or_create(
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            defaults={
                "user_id": token.user_id,
                "name": "API token",
                "prefix": token.key[:12],
                "scope": "write",
                "created_at": token.created,
                "expires_at": now + timedelta(days=90),
            },
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_token"), ("authtoken", "0004_alter_tokenproxy_options")]

    # Backwards the hashed tokens stay: their keys are not stored anywhere to restore.
    operations = [migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop)]
