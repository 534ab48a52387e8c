"""Roles are auth groups; this module says which permissions each group carries.

Surface access is a permission, so views check ``user.has_perm(...)`` and a
superuser passes everywhere:

- help center: anyone; "my" pages: any signed-in person
- desk (``/desk/``): ``accounts.access_desk`` (agents, managers)
- reports (``/reports/``): ``accounts.view_reports`` (managers)
- admin (``/admin/``): ``is_staff`` (managers, admins), then model permissions
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import Role

ACCESS_DESK = "accounts.access_desk"
VIEW_REPORTS = "accounts.view_reports"

_AGENT = [
    ACCESS_DESK,
    "accounts.view_user",
    "accounts.view_customerprofile",
    "accounts.view_course",
    "accounts.view_order",
    "accounts.view_enrollment",
    "accounts.view_learningactivity",
    "tickets.view_category",
]
_MANAGER = [
    *_AGENT,
    VIEW_REPORTS,
    "accounts.add_user",
    "accounts.change_user",
    "accounts.add_agentprofile",
    "accounts.change_agentprofile",
    "accounts.view_agentprofile",
    "accounts.change_customerprofile",
    "tickets.add_category",
    "tickets.change_category",
    "tickets.view_ticket",
    "tickets.view_ticketevent",
    "tickets.view_refundrequest",
    "tickets.view_csatresponse",
    "tickets.view_npsresponse",
    "tickets.view_slapolicy",
    "tickets.change_slapolicy",
    "tickets.view_businesshours",
    "tickets.add_businesshours",
    "tickets.change_businesshours",
    "tickets.view_cannedresponse",
    "tickets.add_cannedresponse",
    "tickets.change_cannedresponse",
    "tickets.delete_cannedresponse",
    "tickets.view_macro",
    "tickets.add_macro",
    "tickets.change_macro",
    "tickets.delete_macro",
    "helpdesk.view_workerheartbeat",
    "tickets.view_mailbox",
    "tickets.add_mailbox",
    "tickets.change_mailbox",
    "tickets.view_mailmessage",
    "tickets.change_mailmessage",
    # Knowledge base: articles, categories, revisions (restore), feedback, smart answers.
    *[f"kb.{verb}_{model}" for model in ("article", "kbcategory", "tag") for verb in ("view", "add", "change")],
    "kb.view_articlerevision",
    "kb.change_articlerevision",
    "kb.view_articlefeedback",
    "kb.view_autoanswerrule",
    "kb.add_autoanswerrule",
    "kb.change_autoanswerrule",
    "kb.view_triagemodel",
    "kb.change_triagemodel",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CUSTOMER: [],
    Role.AGENT: _AGENT,
    Role.MANAGER: _MANAGER,
    # Administrators are superusers; the group only names the role.
    Role.ADMIN: [],
}

STAFF_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


def _permissions(names: Iterable[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def roles_sync_groups() -> None:
    """Create the role groups and set their permissions. Idempotent."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(names))


def roles_sync_groups_on_migrate(**kwargs: object) -> None:
    roles_sync_groups()
