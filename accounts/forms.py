from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .models import User


class AvailabilityForm(forms.Form):
    available = forms.BooleanField(label=_("Available for new tickets"), required=False)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a customer"),
        max_length=254,
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Email, name or platform ID")}),
    )


class SigninLinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)


class PasswordResetByEmailForm(PasswordResetForm):
    """Django's reset form, which also serves accounts that have no password yet (made from
    a ticket or a sign-in link): resetting is how they set their first one."""

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))
