"""The ASGI application: Django's handler, except that an open live stream holds no thread.

Django's ``ASGIHandler`` runs each request inside its own ``ThreadSensitiveContext``: the
synchronous middleware (sessions, authentication, the staff-session checks) and
synchronous code run in a thread of that request's own, kept until the response has been
sent. For a server-sent-events stream that is as long as the stream stays open, so 2,000
open streams held 2,000 idle threads (measured: docs/benchmarks.md, "Live desk streams").

Here a request for ``/live/stream/`` goes through the same middleware chain and view
(every check the other pages have, ``live.views.EventStreamView``), inside such a context;
when the view answers with a stream, the context (and its thread) ends once the headers are
decided, and the stream is handed to the process's hub (``live.hub``), which writes the
events to the connection itself, for all the open streams in one pass.
Every other request, and every answer that is not a stream (401, 403, 404, a redirect to
the second factor), is served exactly as Django serves it.
"""

import asyncio
from contextlib import aclosing

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpResponseBase
from django.urls import reverse, set_script_prefix

STREAM_CONTENT_TYPE = "text/event-stream"


def is_live_stream(response: HttpResponseBase) -> bool:
    return (
        response.streaming
        and response.status_code == 200
        and response.get("Content-Type", "").startswith(STREAM_CONTENT_TYPE)
    )


class HelpdeskASGIHandler(ASGIHandler):
    """``helpdesk.asgi.application``."""

    def __init__(self) -> None:
        super().__init__()
        self._stream_path: str | None = None

    def stream_path(self) -> str:
        if self._stream_path is None:
            self._stream_path = reverse("live:stream")
        return self._stream_path

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == self.stream_path():
            await self.handle_stream(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def handle_stream(self, scope, receive, send) -> None:
        from .hub import LiveStreamResponse  # models: not before django.setup()

        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with body_file:
            # The request's thread lives only as long as this context: until the view and
            # the middleware have answered.
            async with ThreadSensitiveContext():
                set_script_prefix(get_script_prefix(scope))
                await signals.request_started.asend(sender=self.__class__, scope=scope)
                request, error_response = self.create_request(scope, body_file)
                if request is None:
                    await self.send_response(error_response, send)
                    await sync_to_async(error_response.close)()
                    return
                response = await self.run_get_response(request)
                if not is_live_stream(response):
                    await self.send_response(response, send)
                    await sync_to_async(response.close)()
                    return
                # The request is over as far as Django is concerned (request_finished: its
                # database connections are closed); the stream reads through the hub.
                serve = response.serve if isinstance(response, LiveStreamResponse) else None
                content = None if serve is not None else aiter(response)
                head = self._head(response)
                await sync_to_async(response.close)()
            del request, response
        await self.stream(head, serve, content, receive, send)

    @staticmethod
    def _head(response: HttpResponseBase) -> list[tuple[bytes, bytes]]:
        headers = [(key.encode("ascii"), value.encode("latin1")) for key, value in response.items()]
        headers += [(b"Set-Cookie", c.OutputString().encode("ascii")) for c in response.cookies.values()]
        return headers

    async def stream(self, head, serve, content, receive, send) -> None:
        """Send the stream from the event loop until it ends or the client goes away: the
        hub writes a live stream's events itself (``serve``); any other streaming body is
        forwarded part by part."""

        async def write(body: bytes) -> None:
            await send({"type": "http.response.body", "body": body, "more_body": True})

        async def forward() -> None:
            await send({"type": "http.response.start", "status": 200, "headers": head})
            if serve is not None:
                await serve(write)
            else:
                async with aclosing(content) as parts:
                    async for part in parts:
                        await write(part if isinstance(part, bytes) else str(part).encode())
            await send({"type": "http.response.body"})

        sending = asyncio.ensure_future(forward())
        listening = asyncio.ensure_future(self._disconnected(receive))
        try:
            await asyncio.wait({sending, listening}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sending, listening):
                task.cancel()
            await asyncio.gather(sending, listening, return_exceptions=True)
        if sending.done() and not sending.cancelled() and sending.exception() is not None:
            raise sending.exception()

    @staticmethod
    async def _disconnected(receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass


def get_application() -> HelpdeskASGIHandler:
    import django

    django.setup(set_prefix=False)
    return HelpdeskASGIHandler()
