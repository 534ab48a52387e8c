"""Domain events through a transactional outbox.

Services call ``event_record`` inside their transaction: the event row commits or rolls
back with the change. After commit a worker is asked to take the new events, and hands
each to the consumers registered for its type (the apps that own them register in their
``AppConfig.ready``: notifications in tickets, the auto-answer in kb, webhooks in
integrations). Where the cache is Redis, shared with the workers, the asks coalesce: one
``events_drain_task`` at a time is queued (a mark in the cache says so), and it clears the
mark before it reads every pending event, so a transaction that finds the mark set leaves
its events to that drain without publishing a task of its own (one Redis round trip
instead of a Celery publish per request). Elsewhere (the embedded broker, eager tests) one
``event_dispatch_task`` per transaction carries its ids. When the broker cannot be reached
the request still succeeds; the events wait in the table and
``events_dispatch_pending_task`` (beat, every minute) delivers them once the broker is back.

A consumer runs at least once per event: it must be idempotent. Each consumer that
succeeded is recorded on the event, so a retry after a failure runs only the others.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ContextDecorator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Event, EventVisibility
from .precompiled import rows_insert

logger = logging.getLogger(__name__)

# A dispatcher holds an event this long before another may take it over (seconds).
LEASE_SECONDS = 300
# Retries of a failed consumer wait 1, 2, 4 … minutes, at most this many.
RETRY_MAX_MINUTES = 60
# The sweep leaves events this young to the dispatch enqueued at their commit.
SWEEP_GRACE_SECONDS = 30
# Events dispatched per sweep batch.
SWEEP_BATCH = 500
# After the broker refused a task, requests stop trying it for this long (seconds): each
# try costs a connection timeout, and the sweep delivers the waiting events anyway.
BROKER_RETRY_SECONDS = 10.0
# The mark in the shared cache that a drain task is queued and has not started yet; it
# expires by itself should the task be lost, and the next commit then queues another.
DRAIN_QUEUED_KEY = "helpdesk.events.drain-queued"
DRAIN_QUEUED_SECONDS = 60
# The Redis channel on which every process announces new events after commit; the live
# streams' hubs (``live.hub``) subscribe. Without Redis they poll the table instead.
WAKE_CHANNEL = "helpdesk.events"
# How long a reader resuming from an event id should let in-flight transactions settle.
EVENT_SETTLE_SECONDS = 2


@dataclass(frozen=True)
class Consumer:
    name: str
    types: frozenset[str]
    handle: Callable[[Event], None]

    def wants(self, event_type: str) -> bool:
        return "*" in self.types or event_type in self.types


_consumers: dict[str, Consumer] = {}


def consumer(name: str, *, types: Iterable[str]) -> Callable[[Callable[[Event], None]], Callable[[Event], None]]:
    """Register ``handle(event)`` for the event types named (``"*"``: every type)."""

    def register(handle: Callable[[Event], None]) -> Callable[[Event], None]:
        _consumers[name] = Consumer(name=name, types=frozenset(types), handle=handle)
        return handle

    return register


def consumers_for(event_type: str) -> list[Consumer]:
    return [c for c in _consumers.values() if c.wants(event_type)]


# ---------------------------------------------------------------------------
# Recording (inside the caller's transaction)
# ---------------------------------------------------------------------------


class events_batched(ContextDecorator):  # noqa: N801 - used as a decorator, like transaction.atomic
    """Write the events recorded inside the block in one INSERT when it ends (still inside
    the caller's transaction), in the order they were recorded. For services that record
    several at once (a new ticket: created, assigned, two notifications). Nested blocks
    join the outermost; a block left by an exception writes nothing."""

    def __enter__(self) -> None:
        # The decorator's one instance serves every thread: the state lives per thread.
        _local.depth = getattr(_local, "depth", 0) + 1
        if _local.depth == 1:
            _local.batch = []

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        _local.depth -= 1
        if _local.depth:
            return
        batch, _local.batch = _local.batch, None
        if exc_type is None and batch:
            for event in rows_insert(batch):  # compiled once per batch size
                _dispatch_after_commit(event.pk)


_local = threading.local()


def event_record(
    type: str,
    *,
    visibility: str = EventVisibility.PUBLIC,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    actor_id: int | None = None,
    **payload: Any,
) -> Event:
    """Write one event in the current transaction; it is dispatched after commit. Inside
    ``events_batched`` the row is written when the block ends (its ``pk`` is None until then)."""
    event = Event(
        type=type,
        visibility=visibility,
        ticket_id=ticket_id,
        customer_id=customer_id,
        actor_id=actor_id,
        payload=payload,
    )
    batch = getattr(_local, "batch", None)
    if batch is not None:
        batch.append(event)
        return event
    event.save()
    _dispatch_after_commit(event.pk)
    return event


def _dispatch_after_commit(event_id: int) -> None:
    """Enqueue the transaction's events in one task after commit: each event registers a
    callback, the first to run takes every id buffered on the connection and the others
    find nothing left. An id of a rolled-back event may ride along; the dispatcher finds
    no row for it and moves on."""
    connection = transaction.get_connection()
    connection.__dict__.setdefault("helpdesk_outbox", []).append(event_id)
    transaction.on_commit(partial(_flush, connection))


def _flush(connection: Any) -> None:
    ids, connection.helpdesk_outbox = connection.helpdesk_outbox, []
    if ids:
        events_wake()
        if _drains_coalesce():
            events_drain_request(len(ids))
        else:
            events_enqueue(ids)


def _drains_coalesce() -> bool:
    """Whether commits ask for a shared drain: only where the workers see the same cache
    (Redis) and tasks really go to a worker (not run eagerly, as in tests)."""
    from celery import current_app

    from .cache import ResilientRedisCache

    return isinstance(caches["default"], ResilientRedisCache) and not current_app.conf.task_always_eager


_redis_client: Any = None


def events_wake() -> None:
    """Tell the live streams of every web process that events committed (Redis pub/sub).
    Never raises: a lost wake-up only delays the streams until their hub's next poll."""
    global _redis_client
    if not settings.REDIS_URL:
        return
    try:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        _redis_client.publish(WAKE_CHANNEL, b"1")
    except Exception as exc:  # redis's own errors and OSError
        logger.warning("live wake-up not published (%s)", type(exc).__name__)


_broker_down_until = 0.0


def _publish(task: Any, count: int, **options: Any) -> bool:
    """``task.apply_async(**options)``, or False when the broker refused it or was refused
    lately (the ``count`` events then wait in the outbox for the sweep). Never raises,
    except eagerly in tests that ask errors to propagate."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(retry=False, **options)
    except Exception as exc:  # the broker's own errors (kombu, redis, OSError) vary by transport
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.HELPDESK_EVENT_ERRORS_PROPAGATE:
            raise
        _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
        logger.warning("broker unavailable (%s); %d events wait in the outbox", type(exc).__name__, count)
        return False
    return True


def events_enqueue(ids: list[int]) -> bool:
    """Ask a worker to dispatch ``ids``. Never raises: without a broker the events wait
    in the outbox for the sweep. Returns whether the broker took the task."""
    from .tasks import event_dispatch_task

    return _publish(event_dispatch_task, len(ids), args=[ids])


def events_drain_request(count: int = 1) -> bool:
    """After a commit that recorded ``count`` events: queue ``events_drain_task`` unless
    one is queued already and has not started (it will read these events: it clears the
    mark before it reads the outbox, and this commit happened before the mark was found).
    Never raises: without a broker the events wait for the sweep. Returns whether a drain
    is queued."""
    from .tasks import events_drain_task

    if time.monotonic() < _broker_down_until:
        return False
    cache = caches["default"]
    # Without Redis the cache's add() answers True (helpdesk.cache): the task is then tried.
    if not cache.add(DRAIN_QUEUED_KEY, 1, timeout=DRAIN_QUEUED_SECONDS):
        return True
    if not _publish(events_drain_task, count):
        cache.delete(DRAIN_QUEUED_KEY)  # the next commit tries again
        return False
    return True


# ---------------------------------------------------------------------------
# Dispatching (in a worker)
# ---------------------------------------------------------------------------


def _claim(event_id: int) -> Event | None:
    now = timezone.now()
    claimed = Event.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), pk=event_id, dispatched_at__isnull=True
    ).update(next_attempt_at=now + timedelta(seconds=LEASE_SECONDS))
    return Event.objects.filter(pk=event_id).first() if claimed else None


def event_dispatch(event_id: int) -> bool:
    """Run the consumers of one event that have not succeeded yet. Returns True when the
    event is done. A failing consumer is retried later with backoff; the others still run."""
    event = _claim(event_id)
    if event is None:
        return False
    done = list(event.consumers_done)
    errors = []
    for item in consumers_for(event.type):
        if item.name in done:
            continue
        try:
            item.handle(event)
        except Exception as exc:
            if settings.HELPDESK_EVENT_ERRORS_PROPAGATE:
                raise
            logger.exception("event %s (%s): consumer %s failed", event.pk, event.type, item.name)
            errors.append(f"{item.name}: {type(exc).__name__}: {exc}")
        else:
            done.append(item.name)
    now = timezone.now()
    if errors:
        attempts = event.attempts + 1
        delay = min(2 ** (attempts - 1), RETRY_MAX_MINUTES)
        Event.objects.filter(pk=event.pk).update(
            consumers_done=done,
            attempts=attempts,
            last_error="\n".join(errors)[:4000],
            next_attempt_at=now + timedelta(minutes=delay),
        )
        return False
    Event.objects.filter(pk=event.pk).update(consumers_done=done, dispatched_at=now, next_attempt_at=None)
    return True


def events_dispatch(ids: Iterable[int]) -> int:
    """Dispatch events in the order they happened; returns how many are done."""
    return sum(event_dispatch(pk) for pk in sorted(ids))


def events_dispatch_pending(*, now: Any = None, grace_seconds: int | None = SWEEP_GRACE_SECONDS) -> int:
    """The sweep: every event not dispatched yet (older than the grace period, when one is
    given, and not leased or waiting for a retry), oldest first, in batches. Idempotent."""
    now = now or timezone.now()
    done = 0
    last = 0
    young = {} if grace_seconds is None else {"created_at__lte": now - timedelta(seconds=grace_seconds)}
    while True:
        ids = list(
            Event.objects.filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                dispatched_at__isnull=True,
                pk__gt=last,
                **young,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if not ids:
            return done
        done += events_dispatch(ids)
        last = ids[-1]


def events_drain() -> int:
    """The queued drain, in a worker: clear the mark first (a commit from now on queues
    the next drain), then dispatch every pending event, whatever its age."""
    caches["default"].delete(DRAIN_QUEUED_KEY)
    return events_dispatch_pending(grace_seconds=None)


# ---------------------------------------------------------------------------
# Tasks asked for by a web request, through the outbox
# ---------------------------------------------------------------------------

TASK_REQUESTED = "helpdesk.task.requested"


def task_enqueue(task: Any, *args: Any, **kwargs: Any) -> Event:
    """Run ``task(*args, **kwargs)`` in a worker after the current transaction commits,
    surviving a broker that is down: the request is an outbox event, which a worker turns
    into the task once the broker is back. For tasks asked for by people (save an article,
    refresh a report, poll a mailbox); arguments must be JSON."""
    return event_record(
        TASK_REQUESTED, visibility=EventVisibility.STAFF, task=task.name, args=list(args), kwargs=kwargs
    )


@consumer("helpdesk.tasks", types=[TASK_REQUESTED])
def _task_send(event: Event) -> None:
    from celery import current_app

    current_app.tasks[event.payload["task"]].apply_async(
        args=event.payload.get("args", []), kwargs=event.payload.get("kwargs", {})
    )
