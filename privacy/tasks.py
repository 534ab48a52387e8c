"""Retention, on Celery beat: thin tasks over ``privacy.services``."""

from celery import shared_task

from .services import (
    anonymous_accounts_delete,
    help_center_searches_delete,
    logs_purge,
    mail_raw_purge,
    tickets_closed_anonymise,
)


@shared_task(ignore_result=True)
def retention_apply_task() -> dict[str, int]:
    """Anonymise old closed tickets, drop old raw mail, delete unused anonymous accounts and
    old help-center searches, delete the audit, access and sign-in logs past their retention."""
    return {
        "tickets_anonymised": tickets_closed_anonymise(),
        "raw_mail_purged": mail_raw_purge(),
        "accounts_deleted": anonymous_accounts_delete(),
        "searches_deleted": help_center_searches_delete(),
        **{f"{log}_deleted": count for log, count in logs_purge().items()},
    }
