"""Django's form renderer, with the plainest widget templates written in Python.

A form field on a page (``{{ form.version }}``, ``{{ field.errors }}``) renders Django's
``input.html`` through ``attrs.html``, or the error list's two templates even when it is
empty: three template renders for one hidden input, ~0.3 ms each on the ticket page, which
has a dozen such fields. ``FORM_RENDERER`` points here: the same engine and templates as
Django's default renderer, except that the templates listed in ``_FAST`` are produced by
functions that give the very same text, stripped as the renderer strips a template's
(``helpdesk/tests/test_form_renderer.py`` compares them with Django's templates). Anything
else, or any value these functions do not know, goes to the templates.
https://docs.djangoproject.com/en/6.1/ref/forms/renderers/
"""

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

# Values whose ``stringformat:'s'`` is ``str()`` (a SafeString stays safe).
_PLAIN = (str, int, float, Decimal, date, datetime, time)


class _Fallback(Exception):
    """A value the fast path does not render: the template does."""


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescape."""
    if not isinstance(value, _PLAIN) or isinstance(value, bool):
        raise _Fallback
    text = "%s" % value  # noqa: UP031  # exactly what the filter does
    # A safe value stays safe, as the filter (is_safe=True) keeps it.
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if not isinstance(name, str):
            raise _Fallback
        name = conditional_escape(name)
        parts.append(f" {name}" if value is True else f' {name}="{_text(value)}"')
    return "".join(parts)


def _input(context: dict[str, Any]) -> str:
    """``django/forms/widgets/input.html``."""
    widget = context["widget"]
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(context: dict[str, Any]) -> str:
    """``django/forms/widgets/textarea.html``."""
    widget = context["widget"]
    value = widget["value"]
    if value and not isinstance(value, str):
        raise _Fallback
    body = conditional_escape(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{body}</textarea>'


def _errors(context: dict[str, Any]) -> str:
    """``django/forms/errors/list/default.html`` (``ul.html``) of an empty list; a list with
    errors goes to the template."""
    if context.get("errors"):
        raise _Fallback
    return ""


_FAST: dict[str, Callable[[dict[str, Any]], str]] = {
    "django/forms/widgets/input.html": _input,
    **{
        f"django/forms/widgets/{name}.html": _input  # each includes input.html
        for name in (
            "checkbox",
            "color",
            "date",
            "datetime",
            "email",
            "file",
            "hidden",
            "number",
            "password",
            "search",
            "tel",
            "text",
            "time",
            "url",
        )  # fmt: skip
    },
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
}


class FastTemplates(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = _FAST.get(template_name)
        if fast is not None:
            try:
                return fast(context)
            except (_Fallback, KeyError, TypeError):
                pass
        return super().render(template_name, context, request)
