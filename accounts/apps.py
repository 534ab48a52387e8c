from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and purchases")

    def ready(self) -> None:
        from .roles import roles_sync_groups_on_migrate

        # Groups need the permissions that every app's post_migrate creates; the
        # handler is idempotent and runs after each app, so the last run sees them all.
        post_migrate.connect(roles_sync_groups_on_migrate, dispatch_uid="accounts.roles_sync_groups")
