"""Sign-in from the platform: the platform signs a short-lived HS256 JWT for a learner who
is signed in there; ``/sso/jwt/`` verifies it and signs the customer in here.

Claims: ``sub`` (the platform's customer id), ``email``, ``name`` (optional), ``iat``,
``exp`` (at most ``MAX_LIFETIME`` ahead), ``jti`` (each token works once). The customer is
found by the platform's id, else by e-mail (and the platform's id attached), else created.
Staff accounts never sign in this way.
"""

from datetime import UTC, datetime

import jwt
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerProfile, Role, User
from accounts.services import customer_create

from ..models import Integration, UsedToken

# Longest lifetime of a token, seconds (exp − iat, and exp − now).
MAX_LIFETIME = 600
# Clock difference tolerated between the platform and us, seconds.
LEEWAY = 30


class SsoError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _expired() -> SsoError:
    return SsoError(
        _("This sign-in link from the course platform has expired. Go back and open the help center again.")
    )


def _invalid() -> SsoError:
    return SsoError(
        _("This sign-in link from the course platform is not valid. Go back and open the help center again.")
    )


def sso_token_verify(token: str) -> tuple[Integration, dict[str, object]]:
    """The integration whose secret signed ``token`` and its checked claims."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise _invalid() from exc
    if header.get("alg") != "HS256":
        raise _invalid()
    for integration in Integration.objects.filter(is_active=True).order_by("pk"):
        try:
            claims = jwt.decode(
                token,
                integration.jwt_secret,
                algorithms=["HS256"],
                options={"require": ["sub", "email", "iat", "exp", "jti"]},
                leeway=LEEWAY,
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError as exc:
            raise _expired() from exc
        except jwt.PyJWTError as exc:
            raise _invalid() from exc
        break
    else:
        raise _invalid()
    now = timezone.now().timestamp()
    iat, exp = claims["iat"], claims["exp"]
    if (
        not all(isinstance(v, int | float) for v in (iat, exp))
        or exp - iat > MAX_LIFETIME
        or exp - now > MAX_LIFETIME + LEEWAY
    ):
        raise _invalid()
    if not all(isinstance(claims[k], str) and claims[k] for k in ("sub", "email", "jti")):
        raise _invalid()
    try:
        validate_email(claims["email"])
    except ValidationError as exc:
        raise _invalid() from exc
    return integration, claims


def _customer_for(*, external_id: str, email: str, name: str) -> User:
    refused = SsoError(_("This account cannot sign in from the course platform. Please sign in here instead."))
    profile = CustomerProfile.objects.select_related("user").filter(platform_user_id=external_id).first()
    user = profile.user if profile is not None else User.objects.filter(email__iexact=email).first()
    if user is None:
        user = customer_create(email=email, name=name)
        CustomerProfile.objects.filter(user=user).update(platform_user_id=external_id)
        return user
    if not user.is_active or user.is_staff or user.roles != frozenset({Role.CUSTOMER}):
        raise refused
    if profile is None:
        profile, _created = CustomerProfile.objects.get_or_create(user=user)
        if profile.platform_user_id not in ("", external_id):
            raise refused
        profile.platform_user_id = external_id
        profile.save(update_fields=["platform_user_id", "updated_at"])
    return user


@transaction.atomic
def sso_customer_sign_in(*, token: str) -> User:
    """The customer ``token`` names, its ``jti`` spent. Raises ``SsoError`` with a message
    for the learner (expired, replayed, forged, a staff account)."""
    integration, claims = sso_token_verify(token)
    expires_at = datetime.fromtimestamp(float(claims["exp"]), tz=UTC)
    try:
        with transaction.atomic():
            UsedToken.objects.create(integration=integration, jti=str(claims["jti"])[:255], expires_at=expires_at)
    except IntegrityError as exc:
        raise SsoError(
            _(
                "This sign-in link from the course platform has been used already. "
                "Go back and open the help center again."
            )
        ) from exc
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    return _customer_for(external_id=str(claims["sub"])[:64], email=str(claims["email"]), name=str(name)[:150])


def used_tokens_purge(*, now: datetime | None = None) -> int:
    """Forget spent token ids past their expiry (with the leeway): they cannot be replayed."""
    now = now or timezone.now()
    deleted, _rows = UsedToken.objects.filter(expires_at__lt=now - timezone.timedelta(seconds=LEEWAY)).delete()
    return deleted
