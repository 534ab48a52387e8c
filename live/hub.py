"""One hub per server process: it reads new events from the outbox table once and wakes
every stream of the process, which filter them per reader (``live.access``).

Wake-up. With ``REDIS_URL`` set, every process that records events publishes on a Redis
channel after commit (``helpdesk.events.events_wake``) and the hub subscribes, so an event
recorded on any machine (a web process, a Celery worker) is read at once; a slow poll
(``SAFETY_POLL_SECONDS``) covers a lost message. Without Redis (the embedded default) the
hub polls the table every ``HELPDESK_LIVE_POLL_SECONDS``: one indexed ``id > n`` query per
process, however many streams are open, so an event recorded in the Celery worker process
reaches the browser too.

Order. Streams resume by event id (SSE ``Last-Event-ID``), so the hub releases events in
id order only. On PostgreSQL ids are drawn at insert, not at commit: a lower id may commit
after a higher one. When the hub sees a hole it holds the events behind it until the hole
fills or ``EVENT_SETTLE_SECONDS`` pass (then the hole was a rolled-back insert), so a
resumed stream never skips an event nor repeats one.
"""

import asyncio
import contextlib
import contextvars
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from helpdesk.events import EVENT_SETTLE_SECONDS, WAKE_CHANNEL
from helpdesk.models import Event

from .access import LiveEvent

logger = logging.getLogger(__name__)

# Events kept in memory for streams that are behind (a slow client, a resume).
BUFFER_SIZE = 2000
# Events read per query.
BATCH = 500
# With Redis, the hub still reads the table this often in case a message was lost (s).
SAFETY_POLL_SECONDS = 5.0
# While a hole waits to fill, the hub reads again this often (s).
GAP_POLL_SECONDS = 0.1


# Every database read of the streams (the hub's, a resuming stream's catch-up, the reader
# re-checks at heartbeats) runs in this one thread, on one connection per process. Under
# ASGI each request otherwise gets its own thread for synchronous code, with its own
# database connection held as long as the stream stays open: 2,000 open streams would be
# 2,000 PostgreSQL connections.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-db")


def _checked[T](fn: Callable[..., T], *args: Any) -> T:
    close_old_connections()  # drops a broken or expired connection before using it
    return fn(*args)


async def db_read[T](fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)`` in the streams' database thread."""
    return await asyncio.get_running_loop().run_in_executor(_executor, _checked, fn, *args)


def _live(row: Event) -> LiveEvent:
    return LiveEvent(
        id=row.pk,
        type=row.type,
        visibility=row.visibility,
        ticket_id=row.ticket_id,
        customer_id=row.customer_id,
        actor_id=row.actor_id,
        payload=row.payload,
    )


def events_after(after: int, upto: int | None = None, limit: int = BATCH) -> list[LiveEvent]:
    """Events with ``after < id <= upto`` from the table, in id order (synchronous)."""
    qs = Event.objects.filter(pk__gt=after).order_by("pk")
    if upto is not None:
        qs = qs.filter(pk__lte=upto)
    return [_live(row) for row in qs[:limit]]


def last_event_id() -> int:
    row = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    return row or 0


class Hub:
    def __init__(self) -> None:
        self.released = 0  # the highest id released to streams
        self.buffer: deque[LiveEvent] = deque(maxlen=BUFFER_SIZE)
        self.changed = asyncio.Event()
        self._wake = asyncio.Event()
        self._hole_since: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = asyncio.Event()

    async def start(self) -> None:
        if self._task is None:
            # A context of its own: not the first request's (its thread, its connection).
            self._task = asyncio.get_running_loop().create_task(self._run(), context=contextvars.Context())
        await self._started.wait()

    # -- reading ---------------------------------------------------------------

    async def read_after(self, cursor: int) -> list[LiveEvent]:
        """Released events after ``cursor``: from memory when the buffer reaches back
        that far, else from the table."""
        if cursor >= self.released:
            return []
        if self.buffer and cursor >= self.buffer[0].id - 1:
            return [event for event in self.buffer if event.id > cursor]
        return await db_read(events_after, cursor, self.released)

    # -- the loop --------------------------------------------------------------

    async def _run(self) -> None:
        self.released = await db_read(last_event_id)
        self._started.set()
        listener = None
        if settings.REDIS_URL:
            listener = asyncio.get_running_loop().create_task(self._listen())
        interval = SAFETY_POLL_SECONDS if settings.REDIS_URL else settings.HELPDESK_LIVE_POLL_SECONDS
        try:
            while True:
                wait = GAP_POLL_SECONDS if self._hole_since is not None else interval
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=wait)
                self._wake.clear()
                try:
                    await self._fetch()
                except Exception:
                    logger.exception("live hub: reading the events failed")
                    await asyncio.sleep(1)
        finally:
            if listener is not None:
                listener.cancel()

    async def _fetch(self) -> None:
        while True:
            rows = await db_read(events_after, self.released)
            fresh = self._release(rows)
            if fresh:
                self.buffer.extend(fresh)
                self.released = fresh[-1].id
                changed, self.changed = self.changed, asyncio.Event()
                changed.set()
            if len(rows) < BATCH or not fresh:
                return

    def _release(self, rows: list[LiveEvent]) -> list[LiveEvent]:
        """The rows that may go out now: in id order, up to the first hole that is younger
        than the settle time."""
        fresh: list[LiveEvent] = []
        expected = self.released + 1
        for row in rows:
            if row.id != expected and self.released:
                now = time.monotonic()
                if self._hole_since is None:
                    self._hole_since = now
                if now - self._hole_since < EVENT_SETTLE_SECONDS:
                    return fresh
            self._hole_since = None
            fresh.append(row)
            expected = row.id + 1
        return fresh

    async def _listen(self) -> None:
        from redis import asyncio as aioredis

        while True:
            try:
                client: Any = aioredis.from_url(settings.REDIS_URL)
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(WAKE_CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("live hub: Redis subscription lost (%s); reading the table meanwhile", exc)
                self._wake.set()
                await asyncio.sleep(1)


_hubs: dict[int, Hub] = {}


async def hub_get() -> Hub:
    """The hub of the running event loop (one per process under uvicorn)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None:
        hub = _hubs[id(loop)] = Hub()
    await hub.start()
    return hub
