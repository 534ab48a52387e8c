from django.http import HttpRequest

from accounts.roles import ACCESS_DESK, VIEW_REPORTS


def surfaces(request: HttpRequest) -> dict[str, object]:
    """Which surfaces the navigation offers to the current user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_desk": False, "can_reports": False, "can_admin": False}
    return {
        "can_desk": user.has_perm(ACCESS_DESK),
        "can_reports": user.has_perm(VIEW_REPORTS),
        "can_admin": user.is_staff,
    }
