from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk system")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import events  # noqa: F401  (registers the consumer of tasks asked for through the outbox)
        from .signin import staff_session_start

        user_logged_in.connect(staff_session_start, dispatch_uid="helpdesk.staff_session_start")

        from django.contrib.admin.models import LogEntry
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_save

        from .audit import audit_admin_change, audit_roles_changed

        post_save.connect(audit_admin_change, sender=LogEntry, dispatch_uid="helpdesk.audit_admin_change")
        m2m_changed.connect(
            audit_roles_changed, sender=get_user_model().groups.through, dispatch_uid="helpdesk.audit_roles_changed"
        )
