from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Platform connection")

    def ready(self) -> None:
        from . import consumers  # noqa: F401  (registers the webhook consumer)
