from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import consumers  # noqa: F401  (registers the event consumers)
        from .models import CannedResponse, Category, Macro
        from .reference import reference_changed

        # The ticket page's cached lists (tickets.reference).
        for model in (CannedResponse, Macro, Category):
            post_save.connect(reference_changed, sender=model, dispatch_uid=f"tickets-reference-{model.__name__}-save")
            post_delete.connect(
                reference_changed, sender=model, dispatch_uid=f"tickets-reference-{model.__name__}-delete"
            )
