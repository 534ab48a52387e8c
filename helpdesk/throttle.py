"""Who is asking: the client's address behind the reverse proxies, and the account name a
sign-in attempt is counted against (django-axes calls both, see settings/security.py)."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: with ``HELPDESK_PROXY_COUNT`` proxies in front, the entry of
    X-Forwarded-For that the outermost trusted proxy added; else the peer address. What
    the client itself puts in the header never counts."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.HELPDESK_PROXY_COUNT
    if count <= 0:
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else peer


def login_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str:
    """The account an attempt counts against: the email address as typed, trimmed and in
    lower case, so that ``Agent1@Example.com`` and ``agent1@example.com `` share a limit."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if value is None:
        value = request.POST.get("username", "") if request is not None and request.method == "POST" else ""
    return str(value).strip().lower()
