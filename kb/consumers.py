"""Consumers of domain events owned by kb (registered in ``KbConfig.ready``)."""

from django.dispatch import receiver

from helpdesk.events import consumer
from helpdesk.models import Event
from tickets.signals import ticket_submitted_in_help_center


@consumer("kb.auto-answer", types=["tickets.ticket.created"])
def auto_answer_enqueue(event: Event) -> None:
    """A new ticket may be answered automatically with articles (``kb.autoanswer``)."""
    from .tasks import ticket_auto_answer_task

    if event.ticket_id is not None:
        ticket_auto_answer_task.delay(event.ticket_id)


@receiver(ticket_submitted_in_help_center, dispatch_uid="kb.article-visits-link")
def article_visits_link(sender: object, *, ticket: object, session_key: str, **kwargs: object) -> None:
    """The articles this visitor read did not deflect this ticket (help-center deflection)."""
    from .services import article_visits_link_ticket

    article_visits_link_ticket(session_key=session_key, ticket_id=ticket.pk)
