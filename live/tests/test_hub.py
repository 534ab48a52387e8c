"""The hub's fan-out, in process: every open stream registers with it, each event is
filtered once per subscription and encoded once per kind of reader, and written to every
stream in one pass; heartbeats re-check every reader at once."""

import asyncio

import pytest

from helpdesk.events import event_record
from helpdesk.models import EventVisibility
from live.access import Reader, Subscription
from live.hub import HEARTBEAT, MAX_PENDING_BYTES, REVOKED, Hub, Listener, db_read
from tickets.tests.factories import open_ticket

# The hub reads in its own database thread: committed data.
pytestmark = pytest.mark.django_db(transaction=True)


class Collected:
    """A stream's connection: what the hub wrote to it, in order."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    async def write(self, data: bytes) -> None:
        self.parts.append(data)

    def text(self) -> str:
        return b"".join(self.parts).decode()


async def _until(condition, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def _run(scenario) -> None:
    async def main() -> None:
        hub = Hub()
        await hub.start()
        try:
            await scenario(hub)
        finally:
            hub._task.cancel()

    asyncio.run(main())


def test_each_event_is_encoded_once_and_written_to_every_stream_that_may_read_it(tier1_agent, customer_a, customer_b):
    ticket = open_ticket(customer_a)
    desk = Subscription(reader=Reader(user_id=tier1_agent.pk, is_desk=True), ticket_id=None, desk=True)
    mine = Subscription(reader=Reader(user_id=customer_a.pk, is_desk=False), ticket_id=None, desk=False)
    theirs = Subscription(reader=Reader(user_id=customer_b.pk, is_desk=False), ticket_id=None, desk=False)

    def record() -> None:
        event_record("tests.live.staff", visibility=EventVisibility.STAFF, ticket_id=ticket.pk)
        event_record("tests.live.public", ticket_id=ticket.pk, customer_id=customer_a.pk, actor_id=tier1_agent.pk)

    async def scenario(hub: Hub) -> None:
        # given two desk tabs of one agent, the ticket's customer and another customer
        streams = {name: Collected() for name in ("desk1", "desk2", "mine", "theirs")}
        subscriptions = {"desk1": desk, "desk2": desk, "mine": mine, "theirs": theirs}
        serving = [
            asyncio.ensure_future(hub.serve(subscriptions[name], None, stream.write))
            for name, stream in streams.items()
        ]
        await _until(lambda: sum(len(s) for s in hub.audiences.values()) == 4)
        assert len(hub.audiences) == 3  # the two desk tabs share one subscription
        # when two events are recorded
        await db_read(record)
        hub._wake.set()
        await _until(lambda: len(streams["desk1"].parts) == 2 and len(streams["mine"].parts) == 2)
        # then both desk tabs get the very same bytes (encoded once), with both events
        assert streams["desk1"].parts[1] is streams["desk2"].parts[1]
        assert "tests.live.staff" in streams["desk1"].text()
        assert "tests.live.public" in streams["desk1"].text()
        # the customer gets their ticket's public event only, without who acted
        assert "tests.live.staff" not in streams["mine"].text()
        assert '"type":"tests.live.public"' in streams["mine"].text()
        assert '"actor"' not in streams["mine"].text()
        # and the other customer nothing but the stream's opening
        assert len(streams["theirs"].parts) == 1
        assert streams["theirs"].text().startswith("retry: ")
        for task in serving:
            task.cancel()
        await asyncio.gather(*serving, return_exceptions=True)
        assert hub.audiences == {}

    _run(scenario)


def test_a_heartbeat_rechecks_every_reader_and_ends_a_revoked_stream(tier1_agent, tier2_agent):
    def deactivate() -> None:
        tier2_agent.is_active = False
        tier2_agent.save()

    async def scenario(hub: Hub) -> None:
        kept, revoked = Collected(), Collected()
        staying = asyncio.ensure_future(
            hub.serve(Subscription(Reader(tier1_agent.pk, True), None, True), None, kept.write)
        )
        leaving = asyncio.ensure_future(
            hub.serve(Subscription(Reader(tier2_agent.pk, True), None, True), None, revoked.write)
        )
        await _until(lambda: len(hub.audiences) == 2)
        # when the second agent is deactivated, at the next heartbeat
        await db_read(deactivate)
        await hub._recheck()
        # then their stream is told and ends; the other gets its heartbeat and stays
        await asyncio.wait_for(leaving, 10)
        assert revoked.parts[-1] == REVOKED
        assert kept.parts[-1] == HEARTBEAT
        assert not staying.done()
        staying.cancel()

    _run(scenario)


def test_a_client_that_stops_reading_is_closed_not_buffered_forever(tier1_agent):
    async def scenario(hub: Hub) -> None:
        stuck = asyncio.Event()

        async def write(data: bytes) -> None:
            await stuck.wait()  # the connection's buffer is full: the write never completes

        listener = Listener(Subscription(Reader(tier1_agent.pk, True), None, True), write)
        listener.push(b"first")
        chunk = b"x" * 4096
        for _ in range(MAX_PENDING_BYTES // len(chunk)):
            listener.push(chunk)
        assert not listener.done.done()
        listener.push(chunk)
        assert listener.done.done()  # the browser reconnects with its Last-Event-ID
        stuck.set()

    _run(scenario)
