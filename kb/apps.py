from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base and help center")

    def ready(self) -> None:
        from . import consumers  # noqa: F401  (registers the event consumers)
