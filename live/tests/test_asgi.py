"""The ASGI application serves a live stream without holding a thread for it (at the ASGI
protocol level: the application called as uvicorn calls it)."""

import asyncio
import threading

import pytest
from asgiref.sync import SyncToAsync
from django.conf import settings
from django.test import Client
from django.urls import reverse

from live.asgi import HelpdeskASGIHandler
from live.hub import _hubs

# The handler's request threads read the database on their own connections: committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


class Connection:
    """One request to the application, as the ASGI server makes it."""

    def __init__(self, app: HelpdeskASGIHandler, cookie: bytes, query: str) -> None:
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": reverse("live:stream"),
            "raw_path": reverse("live:stream").encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [(b"host", b"testserver"), (b"cookie", cookie), (b"accept", b"text/event-stream")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        self.inbox.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        self.task = asyncio.ensure_future(app(scope, self.inbox.get, self.outbox.put))

    async def message(self) -> dict:
        return await asyncio.wait_for(self.outbox.get(), timeout=30)

    async def close(self) -> None:
        await self.inbox.put({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, timeout=30)


def test_an_open_stream_holds_no_request_thread(tier1_agent, customer_a):
    app = HelpdeskASGIHandler()
    agent, customer = _session_cookie(tier1_agent), _session_cookie(customer_a)

    async def scenario() -> None:
        threads_before = threading.active_count()
        streams = [Connection(app, agent, "scope=desk") for _ in range(3)]
        for stream in streams:
            start = await stream.message()
            assert start["status"] == 200
            assert (b"Content-Type", b"text/event-stream") in start["headers"]
            assert (await stream.message())["body"].startswith(b"retry: ")  # subscribed
        # Three streams open: no request's thread context is left, and no thread per stream
        # (the hub's database thread is the one thread the streams add, for all of them).
        assert len(SyncToAsync.context_to_thread_executor) == 0
        # (the threads of the finished contexts end on their own: waited for, not timed)
        async with asyncio.timeout(10):
            while threading.active_count() > threads_before + 1:
                await asyncio.sleep(0.05)

        # Answers that are not streams go out as Django makes them, and end.
        refused = Connection(app, customer, "scope=desk")
        assert (await refused.message())["status"] == 403
        assert (await refused.message()).get("more_body", False) is False
        await refused.task

        for stream in streams:
            await stream.close()
        hub = _hubs.pop(id(asyncio.get_running_loop()))
        hub._task.cancel()

    # As under uvicorn: an event loop with no synchronous caller (async_to_sync would run
    # the request's synchronous code back in this thread instead).
    asyncio.run(scenario())
