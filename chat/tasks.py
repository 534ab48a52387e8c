from celery import shared_task

from .services import chat_typing_prune


@shared_task(ignore_result=True)
def chat_typing_prune_task() -> int:
    """Scheduled nightly: delete the chat's typing events older than a day."""
    return chat_typing_prune()
