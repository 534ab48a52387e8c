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

Fan-out. Open streams register with the hub (``Hub.serve``), grouped by subscription
(``live.access.Subscription``: equal ones receive the same events). For each batch of
released events the hub decides once per subscription which events it receives, encodes
each event once per kind of reader (staff see the actor), and writes the same bytes to
every stream of the group in one pass, with no task switch per stream
(``Listener.push``). Heartbeats go out the same way, after the readers of every open
stream have been re-checked in a few queries (``live.access.subscriptions_recheck``).
A stream whose client stops reading is closed once ``MAX_PENDING_BYTES`` wait for it;
the browser reconnects with its ``Last-Event-ID`` and catches up.
"""

import asyncio
import contextlib
import contextvars
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.http import StreamingHttpResponse

from helpdesk.events import EVENT_SETTLE_SECONDS, WAKE_CHANNEL
from helpdesk.models import Event

from .access import LiveEvent, Reader, Subscription, event_json, subscriptions_recheck

logger = logging.getLogger(__name__)

# Events kept in memory for streams that are behind (a slow client, a resume).
BUFFER_SIZE = 2000
# Events read per query.
BATCH = 500
# With Redis, the hub still reads the table this often in case a message was lost (s).
SAFETY_POLL_SECONDS = 5.0
# While a hole waits to fill, the hub reads again this often (s).
GAP_POLL_SECONDS = 0.1
# Subscriptions re-checked per database call at a heartbeat: the hub's own event reads
# share the database thread and wait behind one such call at most.
RECHECK_CHUNK = 200
# A stream whose client has this much unsent (it stopped reading) is closed; the browser
# reconnects with its Last-Event-ID and catches up from the buffer or the table (bytes).
MAX_PENDING_BYTES = 1 << 20
# The browser waits this long before reconnecting a dropped stream (milliseconds).
RETRY_MS = 2000
HEARTBEAT = b": heartbeat\n\n"
REVOKED = b"event: revoked\ndata: {}\n\n"


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


def sse(event: LiveEvent, is_desk: bool) -> bytes:
    """The event as a server-sent event, for a staff or a customer reader."""
    data = json.dumps(event_json(event, Reader(user_id=0, is_desk=is_desk)), separators=(",", ":"))
    return f"id: {event.id}\ndata: {data}\n\n".encode()


type Write = Callable[[bytes], Awaitable[None]]


class Listener:
    """One open stream as the hub sees it: its subscription and how to write to it."""

    __slots__ = ("subscription", "after", "done", "_write", "_pending", "_pending_bytes", "_writing", "_task")

    def __init__(self, subscription: Subscription, write: Write) -> None:
        self.subscription = subscription
        # Events up to this id were sent already (a resume ahead of this process's hub).
        self.after = 0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._write = write
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._writing = False
        self._task: asyncio.Task[None] | None = None

    def push(self, data: bytes) -> None:
        """Write ``data`` now, without a task switch when the connection takes it at once
        (an eager task); behind the write in flight when the client is slow."""
        if self.done.done():
            return
        if self._writing:
            self._pending.append(data)
            self._pending_bytes += len(data)
            if self._pending_bytes > MAX_PENDING_BYTES:
                self._pending.clear()
                self.close()
            return
        self._writing = True
        task = asyncio.eager_task_factory(asyncio.get_running_loop(), self._flush(data))
        if not task.done():
            self._task = task

    async def _flush(self, data: bytes) -> None:
        try:
            while True:
                await self._write(data)
                if not self._pending:
                    return
                data = b"".join(self._pending)
                self._pending.clear()
                self._pending_bytes = 0
        except Exception as exc:  # the connection's own errors: the stream ends
            logger.info("live stream closed on a failed write (%s)", type(exc).__name__)
            self.close()
        finally:
            self._writing = False
            self._task = None

    def close(self) -> None:
        if not self.done.done():
            self.done.set_result(None)

    async def drained(self) -> None:
        """Wait for the write in flight, if any (the last words of a revoked stream)."""
        if self._task is not None:
            await asyncio.shield(self._task)


class Hub:
    def __init__(self) -> None:
        self.released = 0  # the highest id released to streams
        self.buffer: deque[LiveEvent] = deque(maxlen=BUFFER_SIZE)
        self._wake = asyncio.Event()
        self._hole_since: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._beat: asyncio.Task[None] | None = None
        self._started = asyncio.Event()
        self.audiences: dict[Subscription, set[Listener]] = {}

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

    # -- streams ---------------------------------------------------------------

    async def serve(self, subscription: Subscription, start: int | None, write: Write) -> None:
        """Send one stream's events through ``write`` from after ``start`` (the last id
        its client saw; None for new events only) until the stream ends: revoked, too far
        behind, or cancelled when the client goes away."""
        listener = Listener(subscription, write)
        cursor = self.released if start is None or start < 0 else start
        listener.push(f"retry: {RETRY_MS}\n: {cursor}\n\n".encode())
        # Catch up, then register with no await in between (read_after answers an
        # up-to-date cursor without one): nothing released meanwhile is missed.
        while events := await self.read_after(cursor):
            texts: dict[tuple[int, bool], bytes] = {}
            if data := self._encode(events, listener.subscription, texts):
                listener.push(data)
            cursor = events[-1].id
        listener.after = cursor
        self.audiences.setdefault(listener.subscription, set()).add(listener)
        try:
            await listener.done
            await listener.drained()
        finally:
            listeners = self.audiences.get(listener.subscription)
            if listeners is not None:
                listeners.discard(listener)
                if not listeners:
                    del self.audiences[listener.subscription]

    @staticmethod
    def _encode(events: list[LiveEvent], subscription: Subscription, texts: dict[tuple[int, bool], bytes]) -> bytes:
        """The bytes one subscription receives of ``events``; each event encoded once per
        kind of reader across the subscriptions (``texts``)."""
        is_desk = subscription.reader.is_desk
        parts = []
        for event in events:
            if subscription.wants(event):
                text = texts.get((event.id, is_desk))
                if text is None:
                    text = texts[(event.id, is_desk)] = sse(event, is_desk)
                parts.append(text)
        return b"".join(parts)

    def _deliver(self, events: list[LiveEvent]) -> None:
        """Write freshly released events to every open stream that wants them: one pass."""
        texts: dict[tuple[int, bool], bytes] = {}
        for subscription, listeners in self.audiences.items():
            data = self._encode(events, subscription, texts)
            if not data:
                continue
            for listener in listeners:
                if listener.after >= events[0].id:
                    # Resumed ahead of this hub: only what it has not seen yet.
                    behind = [event for event in events if event.id > listener.after]
                    if behind and (own := self._encode(behind, subscription, texts)):
                        listener.push(own)
                    continue
                listener.push(data)

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(settings.HELPDESK_LIVE_HEARTBEAT_SECONDS)
            try:
                await self._recheck()
            except Exception:
                logger.exception("live hub: re-checking the readers failed")

    async def _recheck(self) -> None:
        """Re-check the reader of every open stream, then send each a heartbeat (or
        ``revoked``, and end it)."""
        subscriptions = list(self.audiences)
        verdicts: dict[Subscription, Subscription | None] = {}
        for begin in range(0, len(subscriptions), RECHECK_CHUNK):
            verdicts.update(await db_read(subscriptions_recheck, subscriptions[begin : begin + RECHECK_CHUNK]))
        for old, new in verdicts.items():
            listeners = self.audiences.pop(old, None)
            if not listeners:
                continue
            if new is None:
                for listener in listeners:
                    listener.push(REVOKED)
                    listener.close()
                continue
            for listener in listeners:
                listener.subscription = new
                listener.push(HEARTBEAT)
            self.audiences.setdefault(new, set()).update(listeners)

    # -- the loop --------------------------------------------------------------

    async def _run(self) -> None:
        self.released = await db_read(last_event_id)
        self._started.set()
        listener = None
        if settings.REDIS_URL:
            listener = asyncio.get_running_loop().create_task(self._listen())
        self._beat = asyncio.get_running_loop().create_task(self._heartbeats())
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
            self._beat.cancel()
            if listener is not None:
                listener.cancel()

    async def _fetch(self) -> None:
        while True:
            rows = await db_read(events_after, self.released)
            fresh = self._release(rows)
            if fresh:
                self.buffer.extend(fresh)
                self.released = fresh[-1].id
                self._deliver(fresh)
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


class LiveStreamResponse(StreamingHttpResponse):
    """A stream's answer. ``live.asgi`` serves it by handing the connection's own write to
    the hub (``serve``); any other ASGI handler (Django's, the test client) reads it as an
    ordinary streaming body fed by the same hub."""

    def __init__(self, subscription: Subscription, start: int | None) -> None:
        self.subscription = subscription
        self.start = start
        super().__init__(self._body(), content_type="text/event-stream")
        self["Cache-Control"] = "no-cache, no-store"
        # Reverse proxies (nginx) must pass each event on at once, not buffer the stream.
        self["X-Accel-Buffering"] = "no"

    async def serve(self, write: Write) -> None:
        hub = await hub_get()
        await hub.serve(self.subscription, self.start, write)

    async def _body(self) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()

        async def write(data: bytes) -> None:
            queue.put_nowait(data)

        serving = asyncio.ensure_future(self.serve(write))
        serving.add_done_callback(lambda _: queue.put_nowait(None))
        try:
            while (data := await queue.get()) is not None:
                yield data
        finally:
            serving.cancel()
