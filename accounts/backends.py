"""Authentication backend whose permission sets are cached across requests.

Django's ``ModelBackend`` reads a user's permissions with two queries (their own, their
groups') once per request. Every desk and reports page asks for them, and roles change
rarely, so the set is kept in the cache (Redis in production, per-process memory in the
embedded default) under a key that carries a version. A change of a group's permissions
bumps the version, so every set is read afresh; a change of one person's groups or
permissions forgets that person's set only (people become customers all day long, and
that must not empty every agent's cached set). Both happen at once and again at commit,
so a request that read the old rows meanwhile cannot leave them cached. With per-process
memory another process may use its copy for up to ``PERMISSIONS_CACHE_SECONDS``; with
Redis a change applies at once everywhere.
https://docs.djangoproject.com/en/6.1/topics/auth/customizing/#authentication-backends
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from helpdesk.cache import CacheVersion

PERMISSIONS_CACHE_SECONDS = 60
UserModel = get_user_model()
PERMISSIONS_VERSION = CacheVersion("accounts:permissions:version")


def permissions_version() -> int:
    return PERMISSIONS_VERSION.current()


def _permissions_key(user_pk: Any) -> str:
    return f"accounts:permissions:{permissions_version()}:{user_pk}"


def _forget(user_pks: list[Any] | None) -> None:
    if user_pks is None:
        PERMISSIONS_VERSION.bump()
    else:
        cache.delete_many([_permissions_key(pk) for pk in user_pks])


def permissions_cache_clear(*, action: str = "post_delete", **_: Any) -> None:
    """Signal receiver (a group deleted, a group's permissions changed): every cached
    permission set is stale from now on."""
    if not action.startswith("post_"):
        return
    PERMISSIONS_VERSION.changed()


def permissions_cache_forget_users(
    *, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **_: Any
) -> None:
    """Signal receiver (``m2m_changed`` of users' groups or permissions): forget the sets of
    the people concerned. From the user's side that is ``instance``; from the group's or
    permission's side ``pk_set`` holds the users (none when the whole relation is cleared:
    then everyone's set is forgotten)."""
    if not action.startswith("post_"):
        return
    if not reverse:
        user_pks: list[Any] | None = [instance.pk]
    elif pk_set is not None:
        user_pks = list(pk_set)
    else:
        user_pks = None
    _forget(user_pks)
    transaction.on_commit(lambda: _forget(user_pks))


class CachedPermissionsBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The signed-in person of each request, with their agent profile (or the knowledge
        that they have none) in the same query: the desk's permission checks read the tier."""
        try:
            user = UserModel._default_manager.select_related("agent_profile").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = _permissions_key(user_obj.pk)
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, permissions, timeout=PERMISSIONS_CACHE_SECONDS)
            user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache
