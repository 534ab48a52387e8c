"""Passwordless sign-in: a signed, expiring, single-use link by e-mail.

The token signs the account's id, the page to open afterwards and the account's
``last_login`` at the time the link was made. Signing in changes ``last_login`` (Django's
``update_last_login``), so a link works once: after it (or any other sign-in) every link
made before is spent. Links are for customers only; staff sign in with their password or
their organisation's OpenID Connect provider.
"""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from .models import Role, User

SALT = "accounts.signin-link"


class SigninLinkInvalid(Exception):
    """Forged, altered, malformed, or spent (the account signed in since it was made)."""


class SigninLinkExpired(SigninLinkInvalid):
    """Older than HELPDESK_SIGNIN_LINK_HOURS."""


def may_use_signin_links(user: User) -> bool:
    """Active customers holding no staff role."""
    return user.is_active and not user.is_staff and user.roles == frozenset({Role.CUSTOMER})


def _stamp(user: User) -> int:
    return int(user.last_login.timestamp()) if isinstance(user.last_login, datetime) else 0


def safe_next(path: str | None) -> str:
    """A path on this site, or the help center's home."""
    if path and path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return reverse("help:home")


def signin_link_token(*, user: User, next_path: str = "") -> str:
    return signing.dumps({"u": user.pk, "l": _stamp(user), "n": safe_next(next_path)}, salt=SALT, compress=True)


def signin_link_url(*, user: User, next_path: str = "") -> str:
    """The absolute link (from HELPDESK_SITE_URL) that signs ``user`` in and opens ``next_path``."""
    token = signin_link_token(user=user, next_path=next_path)
    return f"{settings.HELPDESK_SITE_URL}{reverse('signin-link', kwargs={'token': token})}"


def signin_link_read(token: str) -> tuple[User, str]:
    """The account and the page a link names. Raises ``SigninLinkExpired`` or
    ``SigninLinkInvalid``; a link of an account that may not use links is invalid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.HELPDESK_SIGNIN_LINK_HOURS * 3600)
    except signing.SignatureExpired as exc:
        raise SigninLinkExpired from exc
    except signing.BadSignature as exc:
        raise SigninLinkInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("l"), int):
        raise SigninLinkInvalid
    user = User.objects.filter(pk=data["u"]).first()
    if user is None or not may_use_signin_links(user) or _stamp(user) != data["l"]:
        raise SigninLinkInvalid
    return user, safe_next(data.get("n") if isinstance(data.get("n"), str) else "")


def signin_link_send(*, user: User, next_path: str = "", welcome: bool = False) -> bool:
    """Mail a sign-in link to ``user`` in their language; False (nothing sent) for accounts
    that may not use links. The caller answers the same either way."""
    if not may_use_signin_links(user):
        return False
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "url": signin_link_url(user=user, next_path=next_path),
            "hours": settings.HELPDESK_SIGNIN_LINK_HOURS,
            "welcome": welcome,
        }
        subject = render_to_string("accounts/email/signin_link_subject.txt", context).strip()
        text = render_to_string("accounts/email/signin_link.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send()
    return True
