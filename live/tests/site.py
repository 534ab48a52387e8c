"""A real `make run`-style site for the live tests: uvicorn serving the ASGI application and
a Celery worker, as separate processes on one SQLite file (the embedded default), with
Redis as broker and wake-up when asked. The test speaks to it over HTTP only."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from accounts.tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
_migrated: dict[str, Path] = {}

SETUP = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import AgentTier
from accounts.tests.factories import CustomerFactory, agent
from accounts.models import User
agent("agent1@example.com", tier=AgentTier.TIER_1)
agent("agent2@example.com", tier=AgentTier.TIER_1)
User.objects.filter(email="agent1@example.com").update(name="Agent One")
User.objects.filter(email="agent2@example.com").update(name="Agent Two")
CustomerFactory(email="learner@example.com", name="Learner")
CustomerFactory(email="other@example.com", name="Other learner")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSite:
    def __init__(self, tmp: Path, *, redis_url: str = "") -> None:
        self.tmp = tmp
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings.base",
            "DEBUG": "0",
            "SECRET_KEY": "live-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "HELPDESK_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTAxMjM0NTY=",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HELPDESK_SITE_URL": self.url,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "HELPDESK_STATIC_FROM_FINDERS": "1",
            "EMAIL_URL": "consolemail://",
            "HELPDESK_VAR_DIR": str(tmp / "var"),
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "REDIS_URL": redis_url,
            # Short heartbeats, so the tests see them.
            "HELPDESK_LIVE_HEARTBEAT_SECONDS": "2",
        }
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code)

    def start(self, *, worker: bool = True) -> "LiveSite":
        (self.tmp / "var").mkdir(parents=True, exist_ok=True)
        # Migrating takes a while: once per test session, then copies.
        if "db" not in _migrated:
            self.manage("migrate", "--noinput", "-v0")
            self.shell(SETUP)
            template = self.tmp.parent / "live-template.sqlite3"
            shutil.copy(self.tmp / "db.sqlite3", template)
            _migrated["db"] = template
        else:
            shutil.copy(_migrated["db"], self.tmp / "db.sqlite3")
        log = open(self.tmp / "uvicorn.log", "w")  # noqa: SIM115 - closed with the process
        self.processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        if worker:
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "--app", "helpdesk", "worker", "--pool", "solo"]
                    + ["--loglevel", "INFO", "--logfile", str(self.tmp / "celery.log")],
                    cwd=ROOT,
                    env=self.env,
                )
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/accounts/login/", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError((self.tmp / "uvicorn.log").read_text())

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def session(self, email: str) -> requests.Session:
        session = requests.Session()
        session.get(f"{self.url}/accounts/login/", timeout=10)
        response = session.post(
            f"{self.url}/accounts/login/",
            data={
                "username": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"{self.url}/accounts/login/"},
            timeout=10,
        )
        assert "sessionid" in session.cookies, response.text[:500]
        return session


class StreamReader:
    """Reads a server-sent-events stream in a thread; ``events`` fills as they arrive."""

    def __init__(self, session: requests.Session, url: str, *, last_event_id: int | None = None) -> None:
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.response = session.get(url, stream=True, headers=headers, timeout=30)
        self.status = self.response.status_code
        self.events: list[dict] = []
        self.comments: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        if self.status == 200:
            self._thread.start()

    def _read(self) -> None:
        import json

        data = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                elif line == "" and data is not None:
                    self.events.append(data)
                    data = None
        except (requests.ConnectionError, AttributeError, ValueError):
            return

    def close(self) -> None:
        self.response.close()
