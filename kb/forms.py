from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this article helpful?"),
        choices=[
            ("yes", pgettext_lazy("was this article helpful", "Yes")),
            ("no", pgettext_lazy("was this article helpful", "No")),
        ],
        coerce=lambda value: value == "yes",
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea)
