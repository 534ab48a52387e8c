"""The language a signed-in person reads the site in."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in person reads the site in the language saved on their account
    (``User.language``), whatever the browser's Accept-Language says, unless this browser
    chose one with the language switch (the language cookie, which the switch also saves to
    the account). Goes after ``AuthenticationMiddleware``; ``LocaleMiddleware`` still sets
    the Content-Language header from the active language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
