from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base and help center")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tickets.models import Category

        from . import consumers  # noqa: F401  (registers the event consumers)
        from .cache import content_changed
        from .models import Article, KBCategory

        # What the help-center home shows (kb.cache).
        for model in (Article, KBCategory, Category):
            post_save.connect(content_changed, sender=model, dispatch_uid=f"kb-home-{model.__name__}-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"kb-home-{model.__name__}-delete")
