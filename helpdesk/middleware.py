"""Request limits and staff sessions.

- Requests larger than ``HELPDESK_REQUEST_MAX_BYTES`` are refused before their body is read.
- Staff sessions end after ``HELPDESK_STAFF_IDLE_MINUTES`` without a request, and are held
  at the second-factor page until the factor is given (``helpdesk.signin``).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .signin import LAST_SEEN_KEY, SECOND_FACTOR_KEY, SEEN_RESOLUTION, is_staff_account, second_factor_needed

# Pages a staff member reaches before giving the second factor.
# (The passkey pages and endpoints lie under second-factor-verify's path; each checks for
# itself that a second factor already set up was given first.)
OPEN_URL_NAMES = ("login", "logout", "second-factor-verify", "second-factor-setup", "passkeys", "set_language")


class RequestSizeLimitMiddleware:
    """A declared body larger than the limit gets 413 at once (no 27 MB upload reaches a
    view). Goes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.HELPDESK_REQUEST_MAX_BYTES
        if length > limit:
            text = _("This request is too large: at most %(size)s can be sent at once.") % {
                "size": filesizeformat(limit)
            }
            return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class StaffSessionMiddleware:
    """Goes after ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest, user) -> HttpResponse | None:
        session = request.session
        now = int(time.time())
        seen = session.get(LAST_SEEN_KEY)
        if seen is None:
            if not is_staff_account(user):
                return None
            # A session from before this policy: start it now.
            session[SECOND_FACTOR_KEY] = second_factor_needed(user)
        elif now - seen > settings.HELPDESK_STAFF_IDLE_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                % {"minutes": settings.HELPDESK_STAFF_IDLE_MINUTES},
            )
            return redirect_to_login(request.get_full_path())
        if seen is None or now - seen >= SEEN_RESOLUTION:
            session[LAST_SEEN_KEY] = now
        state = session.get(SECOND_FACTOR_KEY, "")
        if state and not user.is_verified() and not request.path.startswith(self.open_paths()):
            if request.path.startswith("/api/"):
                detail = _("Give your second factor on the sign-in page first.")
                return JsonResponse({"detail": detail, "code": "second_factor_required"}, status=403)
            name = "second-factor-verify" if state == "verify" else "second-factor-setup"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            self._open_paths = (*(reverse(name) for name in OPEN_URL_NAMES), settings.STATIC_URL)
        return self._open_paths


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.HELPDESK_PERMISSIONS_POLICY)
        return response


class PrivateResponseMiddleware:
    """Pages shown to a signed-in person carry personal data: no cache (browser, proxy)
    may keep them (``Cache-Control: no-store``), unless the view said otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
