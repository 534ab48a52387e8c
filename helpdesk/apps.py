from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk system")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .signin import staff_session_start

        user_logged_in.connect(staff_session_start, dispatch_uid="helpdesk.staff_session_start")
