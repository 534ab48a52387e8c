from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import WorkerHeartbeat


def heartbeat_latest() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-last_seen_at").first()


def heartbeat_is_stale(beat: WorkerHeartbeat | None) -> bool:
    """No heartbeat at all, or none within HELPDESK_HEARTBEAT_STALE_AFTER seconds."""
    if beat is None:
        return True
    return timezone.now() - beat.last_seen_at > timedelta(seconds=settings.HELPDESK_HEARTBEAT_STALE_AFTER)
