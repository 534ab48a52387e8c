from django import forms
from django.utils.translation import gettext_lazy as _


class AvailabilityForm(forms.Form):
    available = forms.BooleanField(label=_("Available for new tickets"), required=False)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a customer"),
        max_length=254,
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Email, name or platform ID")}),
    )
