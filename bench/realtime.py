"""The live desk's streams under load: N concurrent server-sent-events connections on
loopback to the production setting (uvicorn serving the ASGI application, PostgreSQL,
Redis pub/sub as the wake-up), message delivery latency and server memory per idle
connection.

1. Starts one uvicorn process on the database and Redis given (migrates, creates an agent).
2. Opens --connections streams (``/live/stream/?scope=desk``, the desk's widest scope: each
   event is checked for each of them) from this process with asyncio, and waits until all
   are open and idle.
3. Server memory per idle connection: the uvicorn process's resident memory (VmRSS) with
   all streams open and idle, minus the same with one stream open, divided by the streams.
4. Latency: a separate process (``manage.py shell``, like a Celery worker) records
   --events events, one every --interval seconds, each carrying the wall time of its
   commit; every stream notes when it receives each. Percentiles over every (event,
   stream) pair. The clients run on the same 2-core machine as the server and compete with
   it for the CPU: the figures include that.

Usage (from the project root; take the benchmark lock on a shared machine):
    flock /tmp/bench.lock .venv/bin/python bench/realtime.py \\
        --database-url postgres://postgres@127.0.0.1:5432/h14 --redis-url redis://127.0.0.1:6379/4
"""

import argparse
import asyncio
import importlib.util
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
# Streams opened at once while ramping up. Each opening request holds a database connection
# until it is subscribed (the open stream then holds none): the PostgreSQL server of a shared
# machine has 100 connections for every session.
RAMP_BATCH = 20

SETUP = """
from accounts.models import AgentTier, User
from accounts.tests.factories import agent
email = "bench-agent@example.com"
user = User.objects.filter(email=email).first() or agent(email, tier=AgentTier.TIER_2)
user.set_password("bench-pass-2026")
user.save()
"""

RECORD = """
import time
from django.db import transaction
from helpdesk.events import event_record
from helpdesk.models import Event, EventVisibility
from helpdesk.events import events_wake
# Warm, like a running worker: a database connection and a Redis client already open.
Event.objects.exists()
events_wake()
time.sleep(1)
for n in range({events}):
    with transaction.atomic():
        event_record("bench.live.ping", visibility=EventVisibility.STAFF, n=n, sent=time.time())
    time.sleep({interval})
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (s): what a delivery costs, whatever
    else runs on the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    return proc_status(pid, "VmRSS")


class Stream(asyncio.Protocol):
    """One stream's client, kept cheap so that the server, not the client, is measured: no
    task per connection and no parsing while the events arrive (the event loop calls
    ``data_received`` with what the socket holds; each chunk is time-stamped and parsed
    after the run)."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.open = asyncio.Event()
        self.chunks: list[tuple[float, bytes]] = []
        self.transport: asyncio.Transport | None = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.chunks.append((time.time(), data))
        if not self.open.is_set() and b"\r\n\r\n" in b"".join(chunk for _, chunk in self.chunks):
            head = self.chunks[0][1]
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                raise RuntimeError(head[:200])
            if b"retry: " in b"".join(chunk for _, chunk in self.chunks):
                self.open.set()  # the stream's opening: it is subscribed

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def received(self) -> dict[int, float]:
        """Latency (s) of each benchmark event: the arrival of the chunk that completed its
        line, minus the commit time the event carries."""
        latency: dict[int, float] = {}
        buffer = b""
        for at, data in self.chunks:
            buffer += data
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line.startswith(b"data: ") and b"bench.live.ping" in line:
                    event = json.loads(line[6:])
                    latency[event["payload"]["n"]] = at - event["payload"]["sent"]
        return latency


async def stream_open(port: int, cookie: str) -> Stream:
    request = (
        "GET /live/stream/?scope=desk HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        f"Cookie: sessionid={cookie}\r\n\r\n"
    ).encode()
    _, stream = await asyncio.get_running_loop().create_connection(lambda: Stream(request), "127.0.0.1", port)
    return stream


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def measure(args: argparse.Namespace, port: int, cookie: str, server_pid: int, env: dict) -> dict:
    first = await stream_open(port, cookie)
    await asyncio.wait_for(first.open.wait(), 30)
    await asyncio.sleep(2)
    rss_one = rss_kb(server_pid)
    threads_one = proc_status(server_pid, "Threads")
    streams = [first]
    started = time.monotonic()
    for start in range(1, args.connections, RAMP_BATCH):
        batch = await asyncio.gather(
            *(stream_open(port, cookie) for _ in range(min(RAMP_BATCH, args.connections - start)))
        )
        streams += batch
        await asyncio.wait_for(asyncio.gather(*(s.open.wait() for s in batch)), 120)
    ramp = time.monotonic() - started
    await asyncio.sleep(5)  # idle
    rss_all = rss_kb(server_pid)
    threads_all = proc_status(server_pid, "Threads")
    cpu_server, cpu_client = cpu_seconds(server_pid), cpu_seconds(os.getpid())
    recorder = await asyncio.create_subprocess_exec(
        sys.executable,
        "manage.py",
        "shell",
        "--no-imports",
        "-c",
        RECORD.format(events=args.events, interval=args.interval),
        cwd=ROOT,
        env=env,
    )
    await recorder.wait()
    last = f'"n":{args.events - 1},'.encode()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(any(last in chunk for _, chunk in s.chunks) for s in streams):
        await asyncio.sleep(0.5)
    cpu_server, cpu_client = cpu_seconds(server_pid) - cpu_server, cpu_seconds(os.getpid()) - cpu_client
    for stream in streams:
        stream.transport.close()
    received = [stream.received() for stream in streams]
    latencies = [value * 1000 for r in received for value in r.values()]
    by_event = {
        n: round(statistics.median(r[n] * 1000 for r in received if n in r), 1)
        for n in range(args.events)
        if any(n in r for r in received)
    }
    missing = sum(args.events - len(r) for r in received)
    return {
        "connections": len(streams),
        "ramp_seconds": round(ramp, 1),
        "rss_one_stream_mb": round(rss_one / 1024, 1),
        "rss_all_streams_mb": round(rss_all / 1024, 1),
        "kb_per_idle_connection": round((rss_all - rss_one) / (len(streams) - 1), 1),
        "server_threads_one_stream": threads_one,
        "server_threads_all_streams": threads_all,
        "events": args.events,
        "samples": len(latencies),
        "missing": missing,
        "latency_ms_p50": round(statistics.median(latencies), 1),
        "latency_ms_p95": round(percentile(latencies, 95), 1),
        "latency_ms_p99": round(percentile(latencies, 99), 1),
        "latency_ms_max": round(max(latencies), 1),
        # CPU used while the events went out (heartbeats included), per delivered event.
        "server_cpu_us_per_delivery": round(cpu_server * 1e6 / max(1, len(latencies)), 1),
        "client_cpu_us_per_delivery": round(cpu_client * 1e6 / max(1, len(latencies)), 1),
        "median_ms_by_event": by_event,
    }


def _implementation(chosen: str, fast: str, fallback: str) -> str:
    """What uvicorn runs with: ``auto`` takes the faster module when it is installed."""
    if chosen != "auto":
        return chosen
    return fast if importlib.util.find_spec(fast) else fallback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--http", default="auto", help="uvicorn HTTP: auto (httptools if installed), h11")
    parser.add_argument("--loop", default="auto", help="uvicorn's event loop: auto (uvloop if installed), asyncio")
    parser.add_argument("--server-cpu", type=int, help="pin the uvicorn process to this core")
    parser.add_argument("--client-cpu", type=int, help="pin this process (the clients) to this core")
    parser.add_argument(
        "--application",
        default="helpdesk.asgi:application",
        help="the ASGI application uvicorn serves; 'django' for Django's own handler, for comparison",
    )
    args = parser.parse_args()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123",
        "HELPDESK_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTAxMjM0NTY=",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HELPDESK_SITE_URL": url,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        # The sign-in page only; the streams serve no static files.
        "HELPDESK_STATIC_FROM_FINDERS": "1",
        # Passkeys need a secure origin or localhost (the system checks refuse anything else);
        # the benchmark signs in with a password only.
        "HELPDESK_PASSKEY_DOMAIN": "localhost",
        "HELPDESK_PASSKEY_ORIGINS": "http://localhost",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "shell", "--no-imports", "-c", SETUP], cwd=ROOT, env=env, check=True)
    application = (
        ["django.core.asgi:get_asgi_application", "--factory"] if args.application == "django" else [args.application]
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *application, "--port", str(port), "--no-access-log"]
        + ["--http", args.http, "--loop", args.loop]
        + ["--backlog", "4096", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    if args.server_cpu is not None:
        os.sched_setaffinity(server.pid, {args.server_cpu})
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})
    # The clients on uvloop too when it is installed: cheaper, so the server is what is measured.
    loop = None
    if importlib.util.find_spec("uvloop"):
        import uvloop

        loop = uvloop.new_event_loop
    try:
        session = requests.Session()
        for _ in range(600):
            try:
                session.get(f"{url}/accounts/login/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        session.post(
            f"{url}/accounts/login/",
            data={
                "username": "bench-agent@example.com",
                "password": "bench-pass-2026",
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"{url}/accounts/login/"},
            timeout=10,
        )
        result = asyncio.run(measure(args, port, session.cookies["sessionid"], server.pid, env), loop_factory=loop)
        result["redis"] = bool(args.redis_url)
        result["application"] = args.application
        result["database"] = args.database_url.split(":", 1)[0]
        result["server_http"] = _implementation(args.http, "httptools", "h11")
        result["server_loop"] = _implementation(args.loop, "uvloop", "asyncio")
        result["client_loop"] = "uvloop" if loop is not None else "asyncio"
        result["cpus"] = {"server": args.server_cpu, "client": args.client_cpu}
        print(json.dumps(result, indent=2))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
