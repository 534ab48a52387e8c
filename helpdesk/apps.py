from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk system")

    def ready(self) -> None:
        from . import events  # noqa: F401  (registers the consumer of tasks asked for through the outbox)
