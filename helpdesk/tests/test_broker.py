"""The embedded broker never shows a reader a message or a binding table before it is whole."""

import threading
import uuid
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue

from helpdesk.settings.celery import filesystem_broker_options


@pytest.fixture
def connection(tmp_path: Path):
    options = filesystem_broker_options(tmp_path)
    for key in ("data_folder_in", "control_folder"):
        Path(options[key]).mkdir(parents=True)
    with Connection("filesystem://", transport="helpdesk.broker:Transport", transport_options=options) as conn:
        yield conn


def _message_files_seen_while_opening_files(connection, monkeypatch) -> list[list[str]]:
    """Publish one message and list the queue's .msg files each time a file is opened
    (the moment a reader could come in between creating a file and writing it)."""
    folder = Path(connection.transport_options["data_folder_out"])
    seen: list[list[str]] = []
    original_open = open

    def spying_open(file, mode="r", *args, **kwargs):
        handle = original_open(file, mode, *args, **kwargs)
        if "w" in mode:
            seen.append(sorted(p.name for p in folder.iterdir() if p.suffix == ".msg"))
        return handle

    # kombu keeps declared exchanges in process-wide state: a name of this test's own
    name = f"work-{uuid.uuid4().hex}"
    queue = Queue(name, Exchange(name, type="direct"), routing_key=name)
    with connection.Producer() as producer:
        producer.publish({"warm": True}, exchange=queue.exchange, routing_key=name, declare=[queue])
        with connection.SimpleQueue(queue) as simple:
            simple.get(timeout=1)
        monkeypatch.setattr("builtins.open", spying_open)
        try:
            producer.publish({"n": 1}, exchange=queue.exchange, routing_key=name)
        finally:
            monkeypatch.setattr("builtins.open", original_open)
    with connection.SimpleQueue(queue) as simple:
        assert simple.get(timeout=1).payload == {"n": 1}
    return seen


def test_a_message_file_appears_only_once_written(connection, monkeypatch):
    assert _message_files_seen_while_opening_files(connection, monkeypatch) == [[]]


def test_kombus_own_transport_shows_the_empty_file_this_one_avoids(tmp_path, monkeypatch):
    options = filesystem_broker_options(tmp_path)
    for key in ("data_folder_in", "control_folder"):
        Path(options[key]).mkdir(parents=True)
    with Connection("filesystem://", transport_options=options) as kombus:
        seen = _message_files_seen_while_opening_files(kombus, monkeypatch)
    # the message file exists, still empty, when it is opened for writing
    assert [len(listing) for listing in seen] == [1]


def test_concurrent_publishers_and_a_consumer_never_read_a_partial_message(connection):
    # given four threads publishing 50 messages each on their own connections
    queue = Queue("busy", Exchange("busy", type="direct"), routing_key="busy")
    with connection.Producer() as producer:
        producer.publish({"warm": True}, exchange=queue.exchange, routing_key="busy", declare=[queue])

    def publish(offset: int) -> None:
        with connection.clone() as own, own.Producer() as producer:
            for n in range(50):
                producer.publish({"n": offset + n, "pad": "x" * 20_000}, exchange=queue.exchange, routing_key="busy")

    threads = [threading.Thread(target=publish, args=(1000 * i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    # when a consumer drains the queue while they write
    received = []
    with connection.SimpleQueue(queue) as simple:
        while len(received) < 201:
            received.append(simple.get(timeout=10).payload)
    for thread in threads:
        thread.join()
    # then every message arrived whole, once
    numbers = sorted(p["n"] for p in received if "n" in p)
    assert numbers == sorted(1000 * i + n for i in range(4) for n in range(50))


def test_bindings_survive_concurrent_binds_and_the_table_is_never_empty(connection):
    channel = connection.default_channel
    readers_saw_empty = []
    stop = threading.Event()

    def read_tables() -> None:
        with connection.clone() as own:
            reader = own.default_channel
            while not stop.is_set():
                if reader.get_table("fan") == [] and (Path(reader.control_folder) / "fan.exchange").exists():
                    readers_saw_empty.append(True)

    reader = threading.Thread(target=read_tables)
    channel._queue_bind("fan", "", "", "q0")
    reader.start()
    binders = []
    for i in range(1, 9):

        def bind(i=i) -> None:
            with connection.clone() as own:
                own.default_channel._queue_bind("fan", "", "", f"q{i}")

        binders.append(threading.Thread(target=bind))
    for thread in binders:
        thread.start()
    for thread in binders:
        thread.join()
    stop.set()
    reader.join()
    assert {q.queue for q in channel.get_table("fan")} == {f"q{i}" for i in range(9)}
    assert readers_saw_empty == []
    # and unbinding removes exactly one
    channel._delete("q3", "fan", "", "")
    assert {q.queue for q in channel.get_table("fan")} == {f"q{i}" for i in range(9)} - {"q3"}
