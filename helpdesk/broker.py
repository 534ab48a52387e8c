"""The embedded default's broker: kombu's filesystem transport, with whole files only.

kombu's own transport creates a message file, then writes it; a worker listing the folder in
between moves and reads an empty or half-written file and dies with "Unrecoverable error:
JSONDecodeError" (seen under load with beat sending while the worker polls). It also
truncates an exchange's binding table before locking it, so a publisher can read an empty
table. Here every file appears under its final name only once complete: written to a hidden
temporary name in the same folder, then renamed (atomic on POSIX). Binding tables are
rewritten the same way, under a lock on a sidecar file so two writers do not lose a binding.

Selected by ``CELERY_BROKER_TRANSPORT`` when no ``REDIS_URL`` is set (settings/celery.py).
https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.filesystem.html
"""

import fcntl
import os
import uuid
from pathlib import Path
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps, loads


def file_write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one. The
    temporary name starts with a dot: kombu's queue scan never matches it."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: dict, **kwargs: object) -> None:
        """Put ``payload`` onto ``queue`` as one complete file."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = Path(self.data_folder_out) / name
        try:
            file_write_atomic(path, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise ChannelError(f"Cannot add file {str(path)!r} to directory") from exc

    def _table_update(self, exchange: str, change) -> None:
        """Apply ``change`` (a function of the list of bindings) to ``exchange``'s table,
        holding an exclusive lock on a sidecar file, and replace the table atomically."""
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(file.with_name(f".{file.name}.lock"), "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                try:
                    queues = [filesystem.exchange_queue_t(*q) for q in loads(file.read_bytes())]
                except FileNotFoundError:
                    queues = []
                updated = change(list(queues))
                if updated != queues:
                    file_write_atomic(file, str_to_bytes(dumps(updated)))
            except OSError as exc:
                raise ChannelError(f"Cannot open {file}") from exc
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._table_update(exchange, lambda queues: queues if binding in queues else [binding, *queues])

    def _delete(self, queue: str, exchange: str, routing_key: str, pattern: str, *args: object, **kwargs: object):
        # The base of kombu's own _delete: forget the queue in memory, then in the table.
        virtual.Channel._delete(self, queue, exchange, routing_key, pattern, *args, **kwargs)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._table_update(exchange, lambda queues: [q for q in queues if q != binding])


class Transport(filesystem.Transport):
    Channel = Channel
