"""HTTP latency of the desk and the API on a seeded PostgreSQL database, served by gunicorn
on 127.0.0.1 (issue: queue and ticket page p95 < 50 ms, search p95 < 100 ms).

Usage (from the project root, after seeding the database named by DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python bench/http_desk.py [--requests 200]

It prepares a signed-in agent session, a customer API token and a ticket with 10
messages, starts gunicorn (2 workers, DEBUG off) on a free loopback port, measures each
scenario sequentially (after a warm-up) and prints p50/p95/p99/max in milliseconds.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
}


def prepare() -> dict[str, object]:
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from tickets.models import Ticket, TicketMessage
    from tickets.services import ticket_reply

    agent = User.objects.get(email="agent1@example.com")
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    customer = User.objects.filter(groups__name=Role.CUSTOMER, tickets__isnull=False).order_by("pk").first()
    token, _ = Token.objects.get_or_create(user=customer)
    ticket = Ticket.objects.filter(tier=1).order_by("-pk").first()
    while TicketMessage.objects.filter(ticket=ticket).count() < 10:
        ticket_reply(ticket=ticket, author=agent, body="基准测试回复 bench reply", internal=True)
    word = Ticket.objects.order_by("pk").values_list("subject", flat=True).first().split()[0][:4]
    return {
        "session": session.session_key,
        "token": token.key,
        "ticket": ticket.pk,
        "email": customer.email,
        "word": word,
        "tickets": Ticket.objects.count(),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None, count: int, expect: int
) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    for i in range(count + 10):
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != expect:
            raise SystemExit(f"{method} {path}: HTTP {response.status}, expected {expect}")
        if i >= 10:  # warm-up
            timings.append(elapsed)
    connection.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data = prepare()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "helpdesk.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        session = {"Cookie": f"sessionid={data['session']}"}
        api = {"Authorization": f"Token {data['token']}", "Content-Type": "application/json"}
        scenarios = [
            ("queue, default view", "GET", "/desk/tickets/", session, None, 200),
            ("queue, tier 1 + status open", "GET", "/desk/tickets/?tier=1&status=open", session, None, 200),
            ("search, subject word", "GET", f"/desk/tickets/?q={quote(str(data['word']))}", session, None, 200),
            ("search, customer email", "GET", f"/desk/tickets/?q={quote(str(data['email']))}", session, None, 200),
            ("ticket page, 10 messages", "GET", f"/desk/tickets/{data['ticket']}/", session, None, 200),
            (
                "API: create a ticket",
                "POST",
                "/api/tickets/",
                api,
                json.dumps({"subject": "基准测试：无法播放", "body": "视频一直加载。"}).encode(),
                201,
            ),
        ]
        print(f"{data['tickets']} tickets; {args.requests} requests per scenario, sequential, after 10 warm-up")
        print(f"{'scenario':<32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for name, method, path, headers, body, expect in scenarios:
            timings = sorted(measure(port, method, path, headers, body, args.requests, expect))
            p95, p99 = (timings[int(len(timings) * share) - 1] for share in (0.95, 0.99))
            print(f"{name:<32} {statistics.median(timings):8.1f} {p95:8.1f} {p99:8.1f} {timings[-1]:8.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
