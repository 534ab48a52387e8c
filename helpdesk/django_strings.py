"""Strings Django 6.1 shows on our pages without a Chinese translation of its own, so that
``make messages-update`` keeps them in our catalogue (translated there)."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # BLANK_CHOICE_LABEL of select fields (Django 6.0)
)
