"""The live streams: server-sent events (async, served under ASGI), a polling fallback
with the same events and checks, and presence on a ticket page.

A stream is scoped by its query string: ``?ticket=<pk>`` (one ticket the reader may see,
customers their own), ``?scope=desk`` (everything staff may read; desk users only), or
nothing (the reader's own events: their tickets' public events and what names them). It
starts after ``Last-Event-ID`` (the browser sends it on reconnect) or ``?after=<id>`` (the
page's own starting point, rendered into it), so nothing between the page and the stream
is lost, and nothing is sent twice.
"""

from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connections
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Presence, User
from accounts.roles import ACCESS_DESK
from accounts.services import agent_presence_record
from helpdesk.access import SurfaceAccessMixin
from helpdesk.events import EVENT_SETTLE_SECONDS
from helpdesk.models import Event
from tickets.selectors import ticket_get_visible

from .access import LiveEvent, Subscription, event_json, reader_for
from .hub import LiveStreamResponse, events_after, last_event_id
from .services import PresenceState, presence_record

# The polling fallback returns at most this many events per call.
POLL_LIMIT = 200


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _subscribe(user: User, params: Any) -> Subscription:
    """The subscription the reader asked for, after checking they may read it. Raises
    Http404 for a ticket they may not see (as every page does) and PermissionError for the
    desk scope without the desk."""
    reader = reader_for(user)
    if reader is None:
        raise PermissionError
    ticket_id = _int(params.get("ticket"))
    if params.get("ticket") and ticket_id is None:
        raise Http404
    if ticket_id is not None:
        ticket_get_visible(actor=user, pk=ticket_id)
    desk = params.get("scope") == "desk"
    if desk and not reader.is_desk:
        raise PermissionError
    return Subscription(reader=reader, ticket_id=ticket_id, desk=desk)


def _close_request_connections() -> None:
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:  # a test's transaction: left alone
            conn.close()


def _start(request: HttpRequest) -> int | None:
    return _int(request.headers.get("Last-Event-ID")) or _int(request.GET.get("after"))


class EventStreamView(View):
    """``GET /live/stream/``: server-sent events. Async: one open stream costs a coroutine,
    not a thread."""

    http_method_names = ["get"]

    async def get(self, request: HttpRequest) -> HttpResponse:
        user = await request.auser()
        if not user.is_authenticated:
            return HttpResponse(status=401)
        try:
            subscription = await sync_to_async(_subscribe)(user, request.GET)
        except PermissionError:
            return HttpResponseForbidden()
        if not hasattr(request, "scope"):
            # Served by WSGI (a synchronous server would hold a thread per stream, forever):
            # 204 tells EventSource not to reconnect, and the page polls /live/events/.
            return HttpResponse(status=204)
        # The stream reads the database in the hub's thread (live.hub.db_read): the
        # connection this request opened (session, user, subscription) is closed now
        # rather than held while the stream stays open.
        await sync_to_async(_close_request_connections)()
        return LiveStreamResponse(subscription, _start(request))


class EventPollView(SurfaceAccessMixin, View):
    """``GET /live/events/?after=<id>``: the polling fallback (no EventSource, or a proxy
    that breaks streams): the same events and checks as the stream, as JSON. ``last`` is
    the id to ask after next time."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            subscription = _subscribe(request.user, request.GET)
        except PermissionError:
            return HttpResponseForbidden()
        after = _start(request)
        if after is None:
            return JsonResponse({"events": [], "last": last_event_id()})
        events = events_after(after, limit=POLL_LIMIT)
        # The newest events may still have holes before them (transactions in flight):
        # only what the hubs would release goes out (see live.hub).
        events = _settled(events, after)
        last = events[-1].id if events else after
        return JsonResponse(
            {
                "events": [event_json(e, subscription.reader) for e in events if subscription.wants(e)],
                "last": last,
            }
        )


def _settled(events: list[LiveEvent], after: int) -> list[LiveEvent]:
    """Events up to the first hole younger than the settle time."""
    expected = after + 1
    for index, event in enumerate(events):
        if event.id != expected:
            created = Event.objects.filter(pk=event.id).values_list("created_at", flat=True).first()
            if created and timezone.now() - created < timedelta(seconds=EVENT_SETTLE_SECONDS):
                return events[:index]
        expected = event.id + 1
    return events


class PresenceView(SurfaceAccessMixin, View):
    """``POST /live/presence/``: the agent's page says it is viewing, typing or has left."""

    http_method_names = ["post"]
    required_permission = ACCESS_DESK

    def post(self, request: HttpRequest) -> HttpResponse:
        state = request.POST.get("state", "")
        ticket_id = _int(request.POST.get("ticket"))
        if state not in PresenceState.values or ticket_id is None:
            return HttpResponseBadRequest()
        ticket = ticket_get_visible(actor=request.user, pk=ticket_id)
        presence_record(ticket=ticket, user=request.user, state=state)
        return HttpResponse(status=204)


class AgentHeartbeatView(SurfaceAccessMixin, View):
    """``POST /live/heartbeat/`` with ``idle`` (seconds since the page's last keyboard or
    pointer input): every desk page reports itself open (see static/js/desk-presence.js).
    Recorded on the agent's profile in accounts (at most one write a minute), where routing
    reads it; answers the agent's presence as routing sees it. 204 for a desk user who is
    not an agent (no presence to show)."""

    http_method_names = ["post"]
    required_permission = ACCESS_DESK

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            idle = float(request.POST.get("idle", ""))
        except ValueError:
            return HttpResponseBadRequest()
        if not 0 <= idle < float("inf"):
            return HttpResponseBadRequest()
        now = timezone.now()
        agent = agent_presence_record(user=request.user, idle_seconds=idle, now=now)
        if agent is None:
            return HttpResponse(status=204)
        status = agent.presence(now=now)
        return JsonResponse(
            {
                "status": status,
                "label": str(Presence(status).label),
                "available": agent.is_available,
                "toggle": _("Set me away") if agent.is_available else _("Set me available"),
            }
        )
