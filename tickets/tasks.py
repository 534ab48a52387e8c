from celery import shared_task

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
