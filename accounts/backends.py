"""Authentication backend whose permission sets are cached across requests.

Django's ``ModelBackend`` reads a user's permissions with two queries (their own, their
groups') once per request. Every desk and reports page asks for them, and roles change
rarely, so the set is kept in the cache (Redis in production, per-process memory in the
embedded default) under a key that carries a version. Any change of a user's groups or
permissions, or of a group's permissions, bumps the version, so the next request reads
them afresh. With per-process memory another process may use its copy for up to
``PERMISSIONS_CACHE_SECONDS``; with Redis a change applies at once everywhere.
https://docs.djangoproject.com/en/6.1/topics/auth/customizing/#authentication-backends
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

PERMISSIONS_CACHE_SECONDS = 60
VERSION_KEY = "accounts:permissions:version"


def permissions_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add() keeps a version another process set meanwhile.
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def permissions_cache_clear(**_: Any) -> None:
    """Signal receiver: every cached permission set is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = f"accounts:permissions:{permissions_version()}:{user_obj.pk}"
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, permissions, timeout=PERMISSIONS_CACHE_SECONDS)
            user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache
