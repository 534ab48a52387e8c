"""Help-center forms: the shape of what customers type, and nothing else.

No side effects: once a form is valid, the view hands ``cleaned_data`` to a service.
Limits that are domain rules (attachment size, refundable amount, survey scales) are
enforced by the services; their errors are added to the form by the view.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Order

from ..models import Category
from .fields import MultipleFileField

CSAT_CHOICES = [
    (1, _("Very unsatisfied")),
    (2, _("Unsatisfied")),
    (3, _("Neither satisfied nor unsatisfied")),
    (4, _("Satisfied")),
    (5, _("Very satisfied")),
]
NPS_CHOICES = [(value, str(value)) for value in range(11)]


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(label=_("Attachments"), required=False)


def _attachments_help_text() -> str:
    limit = max(settings.HELPDESK_ATTACHMENT_MAX_BYTES // (1024 * 1024), 1)
    return gettext("You can attach several files, up to %(limit)s MB each.") % {"limit": limit}


class OrderChoiceField(forms.ModelChoiceField):
    """The customer's orders, labelled by number and item (select_related("course"))."""

    def label_from_instance(self, obj: Order) -> str:
        return gettext("%(number)s: %(item)s") % {"number": obj.number, "item": obj.course.title}


class RefundableOrderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Order) -> str:
        return gettext("%(number)s: %(item)s (up to %(amount)s %(currency)s refundable)") % {
            "number": obj.number,
            "item": obj.course.title,
            "amount": obj.refundable_amount,
            "currency": obj.currency,
        }


class TicketNewForm(forms.Form):
    """A new ticket. Signed-in customers pick among ``orders`` (their own); anonymous
    visitors (``orders=None``) give their name and email address instead."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe what happened, what you expected and what you have tried."),
    )
    category = forms.ModelChoiceField(
        label=_("Topic"), queryset=Category.objects.none(), required=False, empty_label=_("Not sure")
    )
    order = OrderChoiceField(
        label=_("Order"), queryset=Order.objects.none(), required=False, empty_label=_("Not about an order")
    )
    attachments = _attachments_field()
    # Set when the page is rendered; a second submission of the same page is recognised.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # Anonymous visitors only: the proof-of-work answer, asked for during bursts.
    proof = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args: Any, orders: QuerySet[Order] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        if orders is None:
            del self.fields["order"]
        else:
            del self.fields["name"], self.fields["email"], self.fields["proof"]
            self.fields["order"].queryset = orders
        self.fields["attachments"].help_text = _attachments_help_text()


class TicketReplyForm(forms.Form):
    message = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = _attachments_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help_text()


class TicketConfirmForm(forms.Form):
    """The customer's "solved" / "not solved" (two submit buttons named ``solved``)."""

    solved = forms.TypedChoiceField(
        choices=[("1", _("Solved")), ("0", _("Not solved"))], coerce=lambda value: value == "1"
    )


class CSATForm(forms.Form):
    """Rendered by ``_csat.html`` as five stars: native radio buttons, so the arrow keys
    choose and Enter sends, each star named for a screen reader."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with our support?"),
        choices=CSAT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CSATLinkForm(forms.Form):
    """The confirmation behind a mail's rating link: the rating is in the signed link."""

    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefundRequestForm(forms.Form):
    """A refund of one of ``orders`` (the customer's refundable orders). An empty amount
    means everything that is still refundable on the chosen order."""

    order = RefundableOrderChoiceField(label=_("Order"), queryset=Order.objects.none(), empty_label=None)
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to ask for everything that is still refundable."),
    )
    reason = forms.CharField(
        label=_("Why do you want a refund?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, orders: QuerySet[Order], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        order = cleaned.get("order")
        if order is not None and cleaned.get("amount") is None and "amount" not in self.errors:
            cleaned["amount"] = order.refundable_amount
        return cleaned


class NPSForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend or colleague? (0 = not at all, 10 = extremely)"),
        choices=NPS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    comment = forms.CharField(
        label=_("What is the main reason for your score? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
