"""Staff sign-in policy: the second factor (django-otp's TOTP devices) and idle sessions.

Staff are people who work in the desk, the reports or the admin. When they sign in, the
session records when it was last used and whether it still needs a second factor
("verify": they have a device; "setup": the policy requires one and they have none).
``StaffSessionMiddleware`` reads those keys, so a request costs no extra query.
"""

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_otp import user_has_device

from accounts.models import User
from accounts.roles import ACCESS_DESK, VIEW_REPORTS

LAST_SEEN_KEY = "helpdesk_staff_seen"
SECOND_FACTOR_KEY = "helpdesk_second_factor"
# The last-seen time is written at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60


def is_staff_account(user: User) -> bool:
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_perm(ACCESS_DESK) or user.has_perm(VIEW_REPORTS)
    )


def second_factor_needed(user: User) -> str:
    """ "verify", "setup" or "" for a signed-in ``user`` (see the module docstring)."""
    policy = settings.HELPDESK_STAFF_SECOND_FACTOR
    if policy == "off" or not is_staff_account(user):
        return ""
    if user_has_device(user, confirmed=True):
        return "verify"
    return "setup" if policy == "required" else ""


def staff_session_start(*, request: HttpRequest | None, user: User, **_: Any) -> None:
    """``user_logged_in`` receiver: the session's last use and its second-factor state."""
    if request is None or not hasattr(request, "session"):
        return
    if is_staff_account(user):
        request.session[LAST_SEEN_KEY] = int(time.time())
        request.session[SECOND_FACTOR_KEY] = second_factor_needed(user)
