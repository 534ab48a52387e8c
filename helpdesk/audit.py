"""The audit log (``AuditEvent``): one function writes it; signal receivers feed it the
role changes and the admin's changes (Django's own LogEntry)."""

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

from .models import AuditEvent

# Actions (dotted, like the ticket event trail).
CONTEXT_VIEWED = "privacy.context.viewed"
DATA_EXPORTED = "privacy.data.exported"
DATA_ERASED = "privacy.data.erased"
ROLES_CHANGED = "accounts.roles.changed"
ADMIN_CHANGED = "admin.changed"


def audit_record(*, action: str, actor: Any = None, subject: Any = None, summary: str = "", **data: Any) -> AuditEvent:
    """Append one event. ``actor`` and ``subject`` are users (or None); ``data`` is JSON."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject,
        summary=summary[:300],
        data=data,
    )


def audit_admin_change(*, instance: LogEntry, created: bool, **_: Any) -> None:
    """``post_save`` of the admin's LogEntry: every change made in the admin (settings,
    accounts, roles) appears in the audit log too."""
    if not created:
        return
    verb = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}.get(instance.action_flag, "changed")
    audit_record(
        action=ADMIN_CHANGED,
        actor=instance.user,
        summary=f"{verb} {instance.content_type.model if instance.content_type else ''} “{instance.object_repr}”",
        model=instance.content_type.model if instance.content_type else "",
        object_id=instance.object_id,
        change=instance.get_change_message(),
    )


def audit_roles_changed(*, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **_: Any) -> None:
    """``m2m_changed`` of users' groups (roles), from the user's side."""
    if not action.startswith("post_") or reverse:
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    audit_record(
        action=ROLES_CHANGED,
        subject=instance,
        summary=f"{action.removeprefix('post_')} {', '.join(names)}".strip(),
        change=action.removeprefix("post_"),
        roles=names,
    )
