"""Signing in without a password, signing up, and setting, changing or resetting a
password. Every answer to "is there an account for this address?" is the same page,
whatever the answer."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from helpdesk.access import SurfaceAccessMixin

from ..forms import PasswordResetByEmailForm, SigninLinkRequestForm, SignupForm
from ..models import User
from ..services import customer_create
from ..signin_links import SigninLinkExpired, SigninLinkInvalid, safe_next, signin_link_read, signin_link_send

BACKEND = "accounts.backends.CachedPermissionsBackend"


def _language() -> str:
    language = get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LoginView(auth_views.LoginView):
    """Django's sign-in, offering the other ways back in the settings allow."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.update(signup_enabled=settings.HELPDESK_SIGNUP_ENABLED, oidc_enabled=settings.HELPDESK_OIDC_ENABLED)
        return super().get_context_data(**kwargs)


class SigninLinkRequestView(FormView):
    """ "Email me a sign-in link". The answer never says whether the address has an account."""

    template_name = "accounts/auth/signin_link_request.html"
    form_class = SigninLinkRequestForm

    def form_valid(self, form: SigninLinkRequestForm) -> HttpResponse:
        user = User.objects.filter(email__iexact=form.cleaned_data["email"].strip()).first()
        if user is not None:
            signin_link_send(user=user, next_path=safe_next(self.request.GET.get("next")))
        return render(self.request, "accounts/auth/signin_link_sent.html")


class SigninLinkView(View):
    """The link in the mail. Opening it shows a button that signs in: a GET never signs in,
    because mail scanners open every link of a message before its reader does (and the
    link works once)."""

    template_name = "accounts/auth/signin_link.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            user, next_path = signin_link_read(token)
        except SigninLinkInvalid as exc:
            if request.user.is_authenticated:  # an old link of someone signed in already
                return redirect("help:home")
            return self._refused(request, exc)
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect(next_path)
        return render(request, self.template_name, {"account": user})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            user, next_path = signin_link_read(token)
        except SigninLinkInvalid as exc:
            return self._refused(request, exc)
        login(request, user, backend=BACKEND)
        return redirect(next_path)

    def _refused(self, request: HttpRequest, exc: SigninLinkInvalid) -> HttpResponse:
        if isinstance(exc, SigninLinkExpired):
            text = _("This sign-in link has expired. Ask for a new one below.")
        else:
            text = _("This sign-in link is not valid or has been used already. Ask for a new one below.")
        context = {"refused": text, "form": SigninLinkRequestForm()}
        return render(request, "accounts/auth/signin_link_request.html", context, status=400)


class SignupView(FormView):
    """Create a customer account (when HELPDESK_SIGNUP_ENABLED). The new account gets a
    sign-in link; an address that has an account already gets a sign-in link too, and the
    page says the same in both cases."""

    template_name = "accounts/auth/signup.html"
    form_class = SignupForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.HELPDESK_SIGNUP_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        email = form.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = customer_create(email=email, name=form.cleaned_data["name"].strip(), language=_language())
            signin_link_send(user=user, welcome=True)
        else:
            signin_link_send(user=user)
        return render(self.request, "accounts/auth/signin_link_sent.html")


class PasswordSetView(SurfaceAccessMixin, auth_views.PasswordChangeView):
    """Change one's password, or set a first one (accounts made from a ticket or a
    sign-in link have none)."""

    template_name = "accounts/auth/password_change.html"
    success_url = reverse_lazy("landing")

    def get_form_class(self) -> type[SetPasswordForm]:
        return PasswordChangeForm if self.request.user.has_usable_password() else SetPasswordForm

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been saved."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/auth/password_reset_form.html"
    form_class = PasswordResetByEmailForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PasswordResetByEmailForm) -> HttpResponse:
        self.extra_email_context = {"site_url": settings.HELPDESK_SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/auth/signin_link_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/auth/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/auth/password_reset_complete.html"
