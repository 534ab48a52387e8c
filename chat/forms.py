"""The chat console's forms: input shape only; the views hand cleaned data to services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.canned import placeholders_error
from tickets.forms.fields import MultipleFileField


class ChatReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        # As on the ticket page: a canned response's {placeholder} never reaches a customer.
        if error := placeholders_error(body):
            raise forms.ValidationError(error)
        return body


class ChatTransferForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Another agent"), queryset=User.objects.none(), required=False)
    tier2_reason = forms.CharField(label=_("Or to tier 2, because"), max_length=500, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = User.objects.agents().filter(is_active=True).order_by("name", "email")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("agent") and not (data.get("tier2_reason") or "").strip():
            raise forms.ValidationError(_("Choose an agent, or say why the chat goes to tier 2."))
        return data
