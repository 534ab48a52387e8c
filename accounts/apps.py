from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and purchases")

    def ready(self) -> None:
        from .roles import roles_sync_groups_on_migrate

        # Groups need the permissions that every app's post_migrate creates; the
        # handler is idempotent and runs after each app, so the last run sees them all.
        post_migrate.connect(roles_sync_groups_on_migrate, dispatch_uid="accounts.roles_sync_groups")

        # Cached permission sets (backends.CachedPermissionsBackend) go stale whenever a
        # user's groups or permissions change (that user's set), or a group's permissions
        # or the group itself (every set).
        from django.contrib.auth.models import Group

        from .backends import permissions_cache_clear, permissions_cache_forget_users
        from .models import User

        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                permissions_cache_forget_users, sender=through, dispatch_uid=f"accounts.perms.{through.__name__}"
            )
        m2m_changed.connect(
            permissions_cache_clear, sender=Group.permissions.through, dispatch_uid="accounts.perms.group_permissions"
        )
        post_delete.connect(permissions_cache_clear, sender=Group, dispatch_uid="accounts.perms.group_deleted")
