"""Make an API token for a person and print its key (shown this once; only its hash is kept)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import ApiTokenScope, User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token: prints the key once. Tokens expire (--days) and read only unless --scope write."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="API token")
        parser.add_argument("--scope", choices=ApiTokenScope.values, default=ApiTokenScope.READ)
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No account with the address {options['email']}")
        token, key = api_token_create(user=user, name=options["name"], scope=options["scope"], days=options["days"])
        self.stdout.write(f"{key}\n(expires {token.expires_at:%Y-%m-%d}, scope {token.scope})")
