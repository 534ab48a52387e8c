"""Staff sign-in with the organisation's OpenID Connect provider (mozilla-django-oidc).

The provider's roles claim (``HELPDESK_OIDC_ROLES_CLAIM``) maps to our roles through
``HELPDESK_OIDC_ROLE_MAP`` (claim value → ``agent``, ``agent:2`` for a tier-2 agent,
``manager`` or ``admin``), at every sign-in. Someone the map gives no role is refused:
customers sign in with their password, a link by mail, or from the platform.
https://mozilla-django-oidc.readthedocs.io/
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import AgentProfile, AgentTier, Role, User
from .services import user_roles_set


def roles_from_claims(claims: dict[str, Any]) -> tuple[set[str], int]:
    """Our roles and the agent tier the provider's claim grants."""
    values = claims.get(settings.HELPDESK_OIDC_ROLES_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    roles, tier = set(), AgentTier.TIER_1
    for value in values:
        mapped = settings.HELPDESK_OIDC_ROLE_MAP.get(str(value))
        if mapped is None:
            continue
        role, _sep, level = mapped.partition(":")
        if role in (Role.AGENT, Role.MANAGER, Role.ADMIN):
            roles.add(role)
        if role == Role.AGENT and level == "2":
            tier = AgentTier.TIER_2
    return roles, tier


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Authentication only: permissions stay with the cached backend."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and bool(roles_from_claims(claims)[0])

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(email__iexact=claims.get("email", ""))

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        user = User.objects.create_user(email=claims["email"], name=str(claims.get("name", ""))[:150])
        return self._roles_sync(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return self._roles_sync(user, claims)

    def _roles_sync(self, user: User, claims: dict[str, Any]) -> User:
        roles, tier = roles_from_claims(claims)
        user_roles_set(user=user, roles=roles)
        if Role.AGENT in roles:
            AgentProfile.objects.filter(user=user).update(tier=tier)
        return user

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False


def _enabled_only(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.HELPDESK_OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


oidc_authenticate = _enabled_only(OIDCAuthenticationRequestView.as_view())
oidc_callback = _enabled_only(OIDCAuthenticationCallbackView.as_view())
