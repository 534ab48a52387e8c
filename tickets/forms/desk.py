"""Desk forms: input shape and validation only; views hand cleaned data to services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User

from ..canned import placeholders_error
from ..choices import Priority, Status
from ..models import Category, Macro, Ticket
from .fields import MultipleFileField

# Statuses an agent may choose; "new" is only ever the first status.
STATUS_CHOICES = [(value, label) for value, label in Status.choices if value != Status.NEW]


def _agents():
    return User.objects.agents().filter(is_active=True).order_by("name", "email")


class VersionedForm(forms.Form):
    """Carries the ticket version the agent saw, for the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReplyForm(VersionedForm):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    internal = forms.BooleanField(label=_("Internal note (the customer does not see it)"), required=False)
    status = forms.ChoiceField(
        label=_("Then set status"),
        required=False,
        choices=[("", _("Keep the status")), *STATUS_CHOICES],
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        # A canned response's {course} never reaches a customer: a public reply with a
        # placeholder left is refused (an internal note may keep one).
        if not data.get("internal") and (error := placeholders_error(data.get("body", ""))):
            self.add_error("body", error)
        return data


class FieldsForm(VersionedForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("Unassigned")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _agents()


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    resolution = forms.CharField(
        label=pgettext_lazy("how a ticket was settled", "Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(VersionedForm):
    target = forms.CharField(label=_("Merge into ticket (reference, e.g. HD-123)"), max_length=20)

    def clean_target(self) -> Ticket:
        pk = Ticket.pk_from_reference(self.cleaned_data["target"])
        ticket = Ticket.objects.filter(pk=pk).first() if pk else None
        if ticket is None:
            raise forms.ValidationError(_("No ticket has this reference."))
        return ticket


class MacroForm(VersionedForm):
    macro = forms.ModelChoiceField(label=_("Macro"), queryset=Macro.objects.filter(is_active=True))


class RefundDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    amount = forms.DecimalField(
        label=_("Amount to refund"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    note = forms.CharField(
        label=_("Note to the customer"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the refund is rejected."))
        return data


class BulkForm(forms.Form):
    ACTIONS = [("assign", _("Assign to")), ("status", _("Set status")), ("escalate", _("Escalate to tier 2"))]

    tickets = forms.ModelMultipleChoiceField(queryset=Ticket.objects.all(), widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    assignee = forms.ModelChoiceField(
        label=_("Agent"), queryset=User.objects.none(), required=False, empty_label=_("Unassigned")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *STATUS_CHOICES])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _agents()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        if data.get("action") == "escalate" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the tickets go to tier 2."))
        return data


class PhoneTicketForm(forms.Form):
    customer_email = forms.EmailField(label=_("Customer's email"))
    customer_name = forms.CharField(label=_("Customer's name (for a new customer)"), required=False, max_length=150)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
