"""manage.py integration_create NAME: prints the API key and the secrets, once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...models import Integration
from ...services.keys import integration_create


class Command(BaseCommand):
    help = "Create an integration (a connected platform) and print its API key and secrets once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: object, name: str, **options: object) -> None:
        if not name.strip():
            raise CommandError("Give the integration a name.")
        if Integration.objects.filter(name=name.strip()).exists():
            raise CommandError(f"An integration named {name.strip()!r} exists already.")
        integration, new_key = integration_create(name=name)
        self.stdout.write(f"key={new_key.key}")
        self.stdout.write(f"jwt_secret={integration.jwt_secret}")
        self.stdout.write(f"webhook_secret={integration.webhook_secret}")
        self.stderr.write("Store these now: the key is not shown again.")
