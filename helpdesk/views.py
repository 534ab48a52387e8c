import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp_webauthn.models import WebAuthnCredential

from accounts.roles import ACCESS_DESK, VIEW_REPORTS

from .models import EncryptedTOTPDevice
from .signin import SECOND_FACTOR_KEY


class LandingView(LoginRequiredMixin, View):
    """Where signing in leads: each role to its own surface."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.has_perm(VIEW_REPORTS):
            return redirect("reports:home")
        if request.user.has_perm(ACCESS_DESK):
            return redirect("desk:home")
        return redirect("help:home")


# ---------------------------------------------------------------------------
# The second factor for staff (django-otp TOTP): give it after the password, set it up
# ---------------------------------------------------------------------------


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("landing")


class SecondFactorVerifyView(LoginRequiredMixin, View):
    """After the password: the code of one of the person's confirmed devices. Wrong codes
    slow down (django-otp's throttling doubles the wait after each failure)."""

    template_name = "registration/second_factor_verify.html"

    def _page(self, request: HttpRequest, form: SecondFactorForm, status: int = 200) -> HttpResponse:
        user = request.user
        context = {
            "form": form,
            "next": _next_url(request),
            # A passkey is confirmed in the browser (helpdesk.passkeys), a code typed here.
            "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
            "has_totp": EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, SecondFactorForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SecondFactorForm(request.POST)
        if form.is_valid():
            device = _matching_device(request.user, form.cleaned_data["code"], form)
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
        return self._page(request, form, status=400)


def _matching_device(user, code: str, form: forms.Form) -> EncryptedTOTPDevice | None:
    for device in EncryptedTOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes. Wait a moment and try again."))
            return None
        if device.verify_token(code):
            return device
    form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
    return None


class SecondFactorSetupView(LoginRequiredMixin, View):
    """Add an authenticator app: scan the QR code (or type the key), then confirm with a
    code. Someone who already has a confirmed device must give it first, so a stolen
    password alone never adds a device."""

    template_name = "registration/second_factor_setup.html"

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user_has_device(user, confirmed=True) and not user.is_verified():
            return redirect(f"{reverse('second-factor-verify')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def _pending(self, request: HttpRequest) -> EncryptedTOTPDevice:
        device = EncryptedTOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
        return device or EncryptedTOTPDevice.objects.create(
            user=request.user, name=_("Authenticator app"), confirmed=False
        )

    def _page(self, request: HttpRequest, form: SecondFactorForm, status: int = 200) -> HttpResponse:
        device = self._pending(request)
        context = {
            "form": form,
            "next": _next_url(request),
            "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),  # noqa: S308 -- segno's own SVG
            "key": base64.b32encode(device.bin_key).decode(),
            "passkeys_query": urlencode({"next": _next_url(request)}),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, SecondFactorForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SecondFactorForm(request.POST)
        device = self._pending(request)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["code"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                request.session[SECOND_FACTOR_KEY] = "verify"
                messages.success(
                    request, _("Your authenticator app is set up. We will ask for a code when you sign in.")
                )
                return redirect(_next_url(request))
            form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
        return self._page(request, form, status=400)
