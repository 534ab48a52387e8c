from datetime import datetime

from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


def heartbeat_record(*, hostname: str, at: datetime | None = None) -> WorkerHeartbeat:
    """Record one run of the heartbeat from ``hostname``.

    One row per worker: a concurrent first run of the same worker is settled by the
    unique hostname (get_or_create retries the read after an IntegrityError).
    """
    at = at or timezone.now()
    beat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname, defaults={"first_seen_at": at, "last_seen_at": at, "runs": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(last_seen_at=at, runs=F("runs") + 1)
        beat.refresh_from_db()
    return beat
