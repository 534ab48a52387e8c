"""Who is asking and how often: the client's address behind the reverse proxies, the
account name a sign-in attempt is counted against (django-axes calls both, see
settings/security.py), counts per time window, and a proof-of-work challenge."""

import base64
import binascii
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from altcha import ChallengeOptionsV1, create_challenge_v1, verify_solution_v1
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


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


# ---------------------------------------------------------------------------
# Counting requests in a time window, and a proof-of-work challenge for bursts
# ---------------------------------------------------------------------------


def _window_key(key: str, window: int) -> str:
    return f"throttle:{key}:{int(time.time()) // window}"


def rate_count(key: str, *, window: int) -> int:
    """How many times ``key`` was counted (``rate_add``) in the current window of
    ``window`` seconds (a fixed window, in the cache: Redis in production)."""
    return int(cache.get(_window_key(key, window), 0))


def rate_add(key: str, *, window: int) -> int:
    """Count ``key`` once more in the current window; returns the new count. Counting a
    key the window already holds (the common case) is one increment, and only the first
    count of a window creates the key with its expiry."""
    name = _window_key(key, window)
    try:
        return cache.incr(name)
    except ValueError:  # not counted yet in this window
        if cache.add(name, 1, timeout=window + 5):
            return 1
    try:
        return cache.incr(name)  # another request created it in between
    except ValueError:  # expired in between, or the cache is unreachable
        cache.set(name, 1, timeout=window + 5)
        return 1


def rate_add_many(keys: list[str], *, window: int) -> list[int]:
    """``rate_add`` of each key; with Redis in one round trip for them all (a new ticket
    from the help center counts its address and its e-mail address)."""
    count_many = getattr(cache, "count_many", None)
    if count_many is None:  # another cache backend (memory in the tests without Redis)
        return [rate_add(key, window=window) for key in keys]
    return count_many([_window_key(key, window) for key in keys], timeout=window + 5)


# The ALTCHA proof of work (v1): find n with sha256(salt + n) == challenge; a browser needs
# about a second for CHALLENGE_MAX_NUMBER, a bulk sender that second for every submission.
# https://altcha.org/docs/proof-of-work/
CHALLENGE_MAX_NUMBER = 100_000
CHALLENGE_MINUTES = 10


def _challenge_key() -> str:
    return salted_hmac("helpdesk.throttle.challenge", "altcha", algorithm="sha256").hexdigest()


def challenge_new() -> dict[str, object]:
    """A signed challenge for the browser (``static/js/challenge.js`` solves it)."""
    challenge = create_challenge_v1(
        ChallengeOptionsV1(
            hmac_key=_challenge_key(),
            max_number=CHALLENGE_MAX_NUMBER,
            expires=datetime.now(tz=UTC) + timedelta(minutes=CHALLENGE_MINUTES),
        )
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def challenge_verify(payload: str) -> bool:
    """Whether ``payload`` (base64 JSON from the browser) solves one of our challenges,
    unexpired and not used before."""
    if not payload or len(payload) > 2000:
        return False
    try:
        valid, _error = verify_solution_v1(payload, _challenge_key())
        signature = json.loads(base64.b64decode(payload)).get("signature", "")
    except (ValueError, TypeError, AttributeError, binascii.Error):
        return False
    return bool(valid) and cache.add(f"throttle:challenge-used:{signature}", 1, timeout=CHALLENGE_MINUTES * 60 + 60)
