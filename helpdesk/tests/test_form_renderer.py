"""The site's form renderer writes the plainest widget templates in Python: its text must be
Django's, character for character, for every value and attribute a form can carry."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe

from helpdesk.form_renderer import FastTemplates


class Everything(forms.Form):
    text = forms.CharField(max_length=20, label="Text")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'Say "hi" & <go>'}))
    hidden = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    number = forms.DecimalField(max_digits=6, decimal_places=2, required=False)
    email = forms.EmailField(required=False)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    upload = forms.FileField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    flags = forms.CharField(required=False, widget=forms.TextInput(attrs={"disabled": True, "hidden": False}))


INITIAL = {
    "text": "<b>bold</b> & 'quoted'",
    "hidden": 7,
    "number": Decimal("12.50"),
    "email": "a@example.com",
    "when": date(2026, 12, 2),
    "agree": True,
    "note": 'Line one\n<script>alert("x")</script>',
    "secret": "p&ss",
    "optional": mark_safe("<i>already safe</i>"),
}
DATA = {**{key: str(value) for key, value in INITIAL.items()}, "agree": "on", "text": "x" * 30, "email": "nope"}


def _render_all(form: forms.Form) -> list[str]:
    rendered = []
    for field in form:
        rendered += [str(field), str(field.errors), field.as_hidden(), str(field.as_text())]
    rendered.append(str(form.non_field_errors()))
    return rendered


@pytest.mark.parametrize(
    "make",
    [
        lambda renderer: Everything(renderer=renderer),
        lambda renderer: Everything(initial=INITIAL, renderer=renderer, prefix="p"),
        lambda renderer: Everything(data=DATA, renderer=renderer, auto_id="f_%s"),  # bound, with errors
    ],
    ids=["empty", "initial", "bound-with-errors"],
)
def test_fast_renderer_writes_what_django_templates_write(make):
    fast, django = make(FastTemplates()), make(DjangoTemplates())
    if fast.is_bound:
        assert not fast.is_valid()
        assert not django.is_valid()
    assert _render_all(fast) == _render_all(django)


def test_an_error_list_and_its_absence_are_rendered_alike():
    fast, django = FastTemplates(), DjangoTemplates()
    for errors in (ErrorList(), ErrorList(["<b>Wrong</b>", "Also wrong"]), ErrorList([], field_id="id_x")):
        assert errors.render(renderer=fast) == errors.render(renderer=django)


def test_the_site_uses_it():
    assert settings.FORM_RENDERER == "helpdesk.form_renderer.FastTemplates"
