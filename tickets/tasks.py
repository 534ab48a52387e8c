from smtplib import SMTPException

from celery import Task, shared_task

from .email.imap import mailbox_poll
from .email.outbound import notification_email_failed, notification_email_send
from .models import Mailbox
from .services import nps_offer_due, sla_breaches_mark, tickets_close_resolved


@shared_task(ignore_result=True)
def sla_breaches_mark_task() -> dict[str, int]:
    return sla_breaches_mark()


@shared_task(ignore_result=True)
def tickets_close_resolved_task() -> int:
    return tickets_close_resolved()


@shared_task(ignore_result=True)
def nps_offer_due_task() -> int:
    return nps_offer_due()


@shared_task(ignore_result=True)
def mailboxes_poll_task() -> int:
    """Queue one poll per active mailbox."""
    ids = list(Mailbox.objects.filter(is_active=True).values_list("pk", flat=True))
    for pk in ids:
        mailbox_poll_task.delay(pk)
    return len(ids)


@shared_task(
    ignore_result=True,
    autoretry_for=(OSError, TimeoutError),
    retry_backoff=30,
    max_retries=3,
)
def mailbox_poll_task(mailbox_id: int) -> dict[str, int]:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    return mailbox_poll(mailbox=mailbox) if mailbox is not None else {}


# Sending a notification mail: retried on SMTP and network errors with exponential backoff
# (1, 2, 4, 8, 16 minutes), then given up on with the error stored on the mail.
EMAIL_MAX_RETRIES = 5


@shared_task(bind=True, ignore_result=True, max_retries=EMAIL_MAX_RETRIES)
def notification_email_send_task(self: Task, notification_id: int) -> None:
    try:
        notification_email_send(notification_id=notification_id)
    except (SMTPException, OSError) as exc:
        if self.request.retries >= EMAIL_MAX_RETRIES:
            notification_email_failed(notification_id=notification_id, error=f"{type(exc).__name__}: {exc}")
            return
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
