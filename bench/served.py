"""What the HTTP benchmarks share (http_desk.py, reports.py): production-like settings, a
signed-in session, gunicorn serving the site on a free loopback port, and timing a path."""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "HELPDESK_SITE_URL": "http://127.0.0.1",
    "ALLOWED_HOSTS": "127.0.0.1",
    "HELPDESK_ENCRYPTION_KEYS": "YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0wMTIzNDU=",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
}
WARM_UP = 10


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
    import django

    django.setup()


def scratch_sqlite_setup(name: str) -> None:
    """Django on a fresh, migrated SQLite database var/NAME.sqlite3 (the embedded broker
    and caches: no Redis), for benchmarks that seed their own data."""
    database = ROOT / "var" / f"{name}.sqlite3"
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def signed_in_session(email: str) -> str:
    """A session cookie value for the person with this email, as if they had signed in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.CachedPermissionsBackend"  # the first is django-axes
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def static_collect() -> None:
    """The static files with their manifest, which pages rendered with DEBUG off need."""
    env = {**os.environ, **ENV}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


@contextmanager
def gunicorn_served(workers: int = 2, threads: int = 1) -> Iterator[int]:
    """Collect the static files, serve the site with gunicorn (DEBUG off) on a free
    loopback port until the block ends, and yield the port once it accepts connections.
    ``threads`` above 1 selects gunicorn's gthread worker (which keeps connections alive)."""
    env = {**os.environ, **ENV}
    static_collect()
    port = free_port()
    command = ["gunicorn", "helpdesk.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if threads > 1:
        command += ["--threads", str(threads)]
    server = subprocess.Popen([sys.executable, "-m", *command, "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        # The master loads the application and the embedding model before it listens:
        # tens of seconds on a busy machine.
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None, count: int, expect: int
) -> list[float]:
    """Milliseconds of ``count`` sequential requests on one connection, after a warm-up."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    for i in range(count + WARM_UP):
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != expect:
            raise SystemExit(f"{method} {path}: HTTP {response.status}, expected {expect}")
        if i >= WARM_UP:
            timings.append(elapsed)
    connection.close()
    return timings


def print_header(label: str, width: int) -> None:
    print(f"{label:<{width}} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")


def print_timings(name: str, width: int, timings: list[float]) -> None:
    timings = sorted(timings)
    p95, p99 = (timings[int(len(timings) * share) - 1] for share in (0.95, 0.99))
    print(f"{name:<{width}} {statistics.median(timings):8.1f} {p95:8.1f} {p99:8.1f} {timings[-1]:8.1f}")
