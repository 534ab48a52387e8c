"""Writes on people: one function per operation, keyword-only, atomic."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from helpdesk.precompiled import precompiled_list

from .models import AgentProfile, AgentTier, ApiToken, ApiTokenScope, CustomerProfile, Role, User
from .roles import STAFF_ROLES


@transaction.atomic
def user_roles_set(*, user: User, roles: Iterable[str]) -> User:
    """Make ``roles`` exactly the roles ``user`` holds.

    Staff status follows the roles (managers and administrators use the admin site);
    administrators are superusers. Creates the customer or agent profile a role needs.
    """
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[g for g in role_groups if g.name not in wanted])
    user.groups.add(*[g for g in role_groups if g.name in wanted])
    user.is_staff = bool(wanted & STAFF_ROLES)
    user.is_superuser = Role.ADMIN in wanted
    user.save(update_fields=["is_staff", "is_superuser"])
    if Role.CUSTOMER in wanted:
        CustomerProfile.objects.get_or_create(user=user)
    if Role.AGENT in wanted:
        AgentProfile.objects.get_or_create(user=user)
    user.__dict__.pop("_roles_cache", None)
    return user


def customer_vip_annotation() -> dict[str, Exists]:
    """``is_vip_customer`` on users loaded for a new ticket: the escalation rules read it
    instead of asking the database again."""
    return {"is_vip_customer": Exists(CustomerProfile.objects.filter(user=OuterRef("pk"), is_vip=True))}


@transaction.atomic
def customer_create(*, email: str, name: str = "", language: str = "zh-hans", password: str | None = None) -> User:
    user = User.objects.create_user(email=email, name=name, language=language, password=password)
    return user_roles_set(user=user, roles=[Role.CUSTOMER])


class NotACustomerError(Exception):
    """The email address belongs to an account without the customer role (staff)."""


def _customer_by_email(email: str) -> QuerySet[User]:
    return (
        User.objects.filter(email__iexact=email)
        .annotate(
            holds_customer_role=Exists(Group.objects.filter(name=Role.CUSTOMER, user=OuterRef("pk"))),
            **customer_vip_annotation(),
        )
        .order_by("pk")[:1]
    )


def customer_get_or_create(*, email: str, name: str = "", language: str = "zh-hans") -> User:
    """The customer with this email address (any case), or a new one. An existing account
    is returned unchanged; one without the customer role raises ``NotACustomerError``, so
    no channel ever files a request on a staff account's behalf."""
    email = email.strip()
    # One query: the account, whether it holds the customer role and whether it is a VIP
    # (which the escalation rules of a new ticket read).
    found = precompiled_list("accounts.customer_by_email", _customer_by_email, email)  # compiled once
    customer = found[0] if found else None
    if customer is None:
        try:
            with transaction.atomic():
                customer = customer_create(email=email, name=name.strip(), language=language)
            customer.is_vip_customer = False  # a new profile
            return customer
        except IntegrityError:  # created by a concurrent request in the meantime
            customer = User.objects.get(email__iexact=email)
    if not getattr(customer, "holds_customer_role", None) and not customer.has_role(Role.CUSTOMER):
        raise NotACustomerError(email)
    return customer


@transaction.atomic
def agent_create(
    *,
    email: str,
    name: str,
    tier: int = AgentTier.TIER_1,
    password: str | None = None,
    language: str = "zh-hans",
    extra_roles: Iterable[str] = (),
) -> User:
    user = User.objects.create_user(email=email, name=name, language=language, password=password)
    user_roles_set(user=user, roles=[Role.AGENT, *extra_roles])
    AgentProfile.objects.filter(user=user).update(tier=tier)
    user.agent_profile.refresh_from_db()
    return user


def agent_availability_set(*, agent: AgentProfile, available: bool) -> AgentProfile:
    """Agents set their own availability; routing only assigns to available agents."""
    if agent.is_available != available:
        agent.is_available = available
        agent.availability_changed_at = timezone.now()
        agent.save(update_fields=["is_available", "availability_changed_at", "updated_at"])
    return agent


# Presence heartbeats write an agent's row at most this often (seconds), however many desk
# pages they keep open: the pages report every PRESENCE_HEARTBEAT_SECONDS.
PRESENCE_WRITE_EVERY_SECONDS = 60
PRESENCE_HEARTBEAT_SECONDS = 30


def agent_presence_record(*, user: User, idle_seconds: float, now: datetime | None = None) -> AgentProfile | None:
    """A desk page of ``user`` reports it is open, with ``idle_seconds`` since its last
    keyboard or pointer input; returns the agent's profile as it stands (None for someone
    who is not an agent).

    Throttled: one conditional UPDATE that writes only when the agent's last heartbeat is
    at least ``PRESENCE_WRITE_EVERY_SECONDS`` old, so an agent costs at most one write a
    minute however many pages they keep open. The last activity never moves back (an idle
    tab does not hide the one being worked in)."""
    now = now or timezone.now()
    idle = timedelta(seconds=min(max(float(idle_seconds), 0.0), 7 * 24 * 3600))
    active = Value(now - idle, output_field=DateTimeField())
    stale = Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=now - timedelta(seconds=PRESENCE_WRITE_EVERY_SECONDS))
    AgentProfile.objects.filter(stale, user_id=user.pk).update(
        last_seen_at=now, last_active_at=Greatest(Coalesce("last_active_at", active), active)
    )
    return AgentProfile.objects.filter(user_id=user.pk).first()


def user_language_set(*, user: User, language: str) -> User:
    """Save the language a person reads the site and their email in (zh-hans or en)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


API_TOKEN_PREFIX = "hd_"  # noqa: S105 -- a prefix that marks our keys, not a secret


def api_token_digest(key: str) -> str:
    """What is stored of a key: its SHA-256 (keys are 256 random bits, so a fast hash is
    enough: nothing to guess)."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *, user: User, name: str, scope: str = ApiTokenScope.READ, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new API token and its key, which is shown to the person once and never stored."""
    if scope not in ApiTokenScope.values:
        raise ValueError(f"Unknown scope: {scope!r}")
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:12],
        digest=api_token_digest(key),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days or settings.HELPDESK_API_TOKEN_DAYS),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
