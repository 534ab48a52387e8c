"""Sign-in from the platform (``/sso/jwt/``)."""

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from accounts.signin_links import safe_next

from .services.sso import SsoError, sso_customer_sign_in

BACKEND = "accounts.backends.CachedPermissionsBackend"


class SsoJwtView(View):
    """``?jwt=<token>&return_to=<path>``: the platform sends a signed-in learner here.
    Signs them in and opens ``return_to`` (a path of this site; default: my tickets).
    A refused token gets a page that says why, in the learner's language."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            customer = sso_customer_sign_in(token=request.GET.get("jwt", ""))
        except SsoError as exc:
            return render(request, "integrations/sso_refused.html", {"text": exc.message}, status=400)
        login(request, customer, backend=BACKEND)
        return_to = request.GET.get("return_to") or reverse("help:ticket-list")
        return redirect(safe_next(return_to))
