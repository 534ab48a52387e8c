from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data in Chinese and English (``manage.py seed_demo``). Not domain code: it fills
    the other apps through their models and services, and nothing imports it back."""

    name = "demo"
    verbose_name = _("Demo data")
