"""Passkeys (WebAuthn) as a staff second factor, with django-otp-webauthn.

A passkey is a django-otp device like the authenticator app: after the password, a staff
member who has one confirms with it on the second-factor page, and the session is
verified (``django_otp.login``). Passkeys never replace the password
(``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` is off), so django-axes' lock-out still guards
every sign-in. The library's JSON endpoints are mounted under our own URLs with two
additions: only staff accounts may register a passkey, and adding or removing one is in
the audit log. Its scripts are static files, so the Content-Security-Policy holds.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.i18n import JavaScriptCatalog
from django_otp import user_has_device
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from .audit import audit_record
from .signin import SECOND_FACTOR_KEY, is_staff_account, second_factor_needed

PASSKEY_ADDED = "accounts.passkey.added"
PASSKEY_REMOVED = "accounts.passkey.removed"


class StaffOnly(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "staff_only"
    default_detail = gettext_lazy("Only staff accounts use a passkey here.")


class PasskeyRegistrationBeginView(BeginCredentialRegistrationView):
    """The library checks that someone who already has a second factor gave it in this
    session; we add that only staff register passkeys."""

    def check_can_register(self) -> None:
        if not is_staff_account(self.request.user):
            raise StaffOnly()


class PasskeyRegistrationCompleteView(CompleteCredentialRegistrationView):
    def check_can_register(self) -> None:
        if not is_staff_account(self.request.user):
            raise StaffOnly()

    def post(self, *args: object, **kwargs: object) -> JsonResponse:
        response = super().post(*args, **kwargs)
        # The new passkey verified this session (the library's otp_login); from now on the
        # person is asked for a second factor at each sign-in.
        self.request.session[SECOND_FACTOR_KEY] = "verify"
        audit_record(action=PASSKEY_ADDED, actor=self.request.user, subject=self.request.user, summary="passkey added")
        return response


class PasskeyAuthenticationBeginView(BeginCredentialAuthenticationView):
    """Passwordless sign-in is off: only someone who gave the password gets here."""


class PasskeyAuthenticationCompleteView(CompleteCredentialAuthenticationView):
    pass


class PasskeyListView(View):
    """A staff member's passkeys: add one (the browser creates it), remove one. Someone who
    has a second factor gives it first, so a stolen password alone never adds or removes
    a passkey."""

    template_name = "registration/passkeys.html"

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if not is_staff_account(user):
            raise PermissionDenied
        if user_has_device(user, confirmed=True) and not user.is_verified():
            return redirect(f"{reverse('second-factor-verify')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        passkeys = WebAuthnCredential.objects.filter(user=request.user).order_by("created_at", "pk")
        wanted = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return render(request, self.template_name, {"passkeys": passkeys, "next": wanted if safe else ""})

    def post(self, request: HttpRequest) -> HttpResponse:
        passkey = get_object_or_404(WebAuthnCredential, user=request.user, pk=request.POST.get("remove"))
        passkey.delete()
        audit_record(action=PASSKEY_REMOVED, actor=request.user, subject=request.user, summary="passkey removed")
        request.session[SECOND_FACTOR_KEY] = second_factor_needed(request.user)
        return redirect("passkeys")


class PasskeyScriptCatalog(JavaScriptCatalog):
    """The passkey scripts' texts (the library's catalogue; Chinese from our own
    locale/zh_Hans/LC_MESSAGES/djangojs.po, which LOCALE_PATHS adds)."""

    packages = ["django_otp_webauthn"]


# Mounted under accounts/second-factor/passkeys/ with the namespace "otp_webauthn": the
# library's template tags reverse these names.
webauthn_patterns = [
    path("registration/begin/", PasskeyRegistrationBeginView.as_view(), name="credential-registration-begin"),
    path("registration/complete/", PasskeyRegistrationCompleteView.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", PasskeyAuthenticationBeginView.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        PasskeyAuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", PasskeyScriptCatalog.as_view(), name="js-i18n-catalog"),
]
