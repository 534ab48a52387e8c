"""Ticket-creation throughput with wrk, as the django-helpdesk harness measures it
(/work/shared/bench/django-helpdesk/bench_http.py): 2 threads, 8 connections, POSTs to
the help center's form (anonymous visitor, CSRF cookie and token) and to the REST API (a
tier-1 agent's token, opening tickets for a customer's e-mail), with the outbox in the
write path. Prints tickets/s (tickets counted in the database), wrk's latency and the SQL
queries of one request of each kind.

    DATABASE_URL=postgres://…/h11_bench [REDIS_URL=…] flock /tmp/bench.lock \
        .venv/bin/python bench/ticket_throughput.py [--seconds 30] [--runs 3]

The database should hold the seeded demo (seed_demo --customers 20000 --tickets 100000).

``--cpu N`` measures instead what does not depend on the machine's load: the CPU time
per created ticket of the Django code (this process, serving N requests of each kind
in-process through Django's test client, so the middleware and views all run) and of
its PostgreSQL backend (utime+stime in /proc/<backend pid>/stat). The target of 340
tickets/s on 2 cores, with wrk and PostgreSQL on the same cores, leaves about 4–5 ms of
CPU per ticket for both together.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from served import django_setup, gunicorn_served, static_collect

CUSTOMER = "bench.customer@example.com"
# One client address and one e-mail address send every form ticket: no anonymous limit or
# proof-of-work challenge (helpdesk.throttle) may refuse them, as none does in the peer's.
os.environ.update(
    {
        "HELPDESK_ANON_TICKETS_PER_ADDRESS_PER_HOUR": str(10**9),
        "HELPDESK_ANON_TICKETS_PER_EMAIL_PER_HOUR": str(10**9),
        "HELPDESK_ANON_CHALLENGE_AFTER": str(10**9),
    }
)


def prepare() -> dict[str, str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import ApiTokenScope, User
    from accounts.services import api_token_create, customer_get_or_create

    customer_get_or_create(email=CUSTOMER, name="Bench")
    agent = User.objects.filter(agent_profile__tier=1, is_active=True).order_by("pk").first()
    _token, key = api_token_create(user=agent, name="bench", scope=ApiTokenScope.WRITE)
    queries, redis_trips = {}, {}
    client = Client(SERVER_NAME="127.0.0.1")
    client.get("/tickets/new/")
    form = {"name": "Bench", "email": CUSTOMER, "subject": "Query count", "message": "How many queries?"}
    api = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
    body = {"subject": "Query count", "body": "How many queries?", "customer_email": CUSTOMER}
    # One of each first: the counts below leave out connecting to Redis and the broker.
    client.post("/tickets/new/", form)
    api.post("/api/tickets/", body, content_type="application/json")
    with CaptureQueriesContext(connection) as captured, _redis_round_trips() as trips:
        response = client.post("/tickets/new/", form)
    assert response.status_code == 302, response.status_code
    queries["form"], redis_trips["form"] = len(captured), len(trips)
    with CaptureQueriesContext(connection) as captured, _redis_round_trips() as trips:
        response = api.post("/api/tickets/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    queries["api"], redis_trips["api"] = len(captured), len(trips)
    return {
        "token": key,
        **{f"queries_{k}": str(v) for k, v in queries.items()},
        **{f"redis_{k}": str(v) for k, v in redis_trips.items()},
    }


@contextlib.contextmanager
def _redis_round_trips() -> Iterator[list[bytes]]:
    """The requests sent to Redis inside the block (a pipeline is one), by any client of
    this process: the cache, the broker's task publishing, the live streams' wake-up."""
    from redis.connection import AbstractConnection

    sent: list[bytes] = []
    original = AbstractConnection.send_packed_command

    def counting(self: AbstractConnection, command: Any, check_health: bool = True) -> None:
        sent.append(command)
        original(self, command, check_health)

    AbstractConnection.send_packed_command = counting  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        AbstractConnection.send_packed_command = original  # type: ignore[method-assign]


def ticket_count() -> int:
    from tickets.models import Ticket

    return Ticket.objects.count()


def run_wrk(port: int, lua: str, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "60s", "--latency", "-s", script.name]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    p50 = re.search(r"50%\s+([\d.]+)(ms|s)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": float(p50.group(1)) * (1000 if p50.group(2) == "s" else 1),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def form_lua(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/tickets/new/")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    prefix = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "name": "Bench", "email": CUSTOMER, "message": "视频播放到一半卡住。"}
    )
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken={cookie}"
wrk.headers["Referer"] = "http://127.0.0.1:{port}/tickets/new/"
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/tickets/new/", nil, "{prefix}&subject=Load+test+ticket+" .. counter)
end
"""


def api_lua(token: str) -> str:
    body = json.dumps({"body": "VPN drops every 5 minutes", "customer_email": CUSTOMER})[:-1]
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token {token}"
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/api/tickets/", nil, '{body}, "subject": "API load test ' .. counter .. '"}}')
end
"""


def _backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_ticket(token: str, count: int) -> None:
    """CPU milliseconds per created ticket, Django and PostgreSQL apart, form and API."""
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    form_client = Client(SERVER_NAME="127.0.0.1")
    form_client.get("/tickets/new/")
    api_client = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")

    def form(n: int) -> int:
        body = {"name": "Bench", "email": CUSTOMER, "subject": f"CPU {n}", "message": "视频播放到一半卡住。"}
        return form_client.post("/tickets/new/", body).status_code

    def api(n: int) -> int:
        body = {"subject": f"CPU {n}", "body": "VPN drops every 5 minutes", "customer_email": CUSTOMER}
        return api_client.post("/api/tickets/", body, content_type="application/json").status_code

    for label, post, expected in (("form", form, 302), ("api", api, 201)):
        for n in range(10):  # warm-up
            post(n)
        django_before, pg_before, before = time.process_time(), _backend_cpu_seconds(backend), ticket_count()
        statuses = {post(n) for n in range(count)}
        django_ms = (time.process_time() - django_before) * 1000 / count
        pg_ms = (_backend_cpu_seconds(backend) - pg_before) * 1000 / count
        assert statuses == {expected}, statuses
        assert ticket_count() - before == count
        print(
            f"{label:4s} CPU per ticket (n={count}): Django {django_ms:.2f} ms + PostgreSQL {pg_ms:.2f} ms "
            f"= {django_ms + pg_ms:.2f} ms",
            flush=True,
        )


def profile(token: str, count: int, top: int) -> None:
    """cProfile of ``count`` requests of each kind (after a warm-up), timed by this
    process's CPU clock: where the Python CPU of a new ticket goes."""
    import cProfile
    import pstats

    from django.test import Client

    form_client = Client(SERVER_NAME="127.0.0.1")
    form_client.get("/tickets/new/")
    api_client = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    posts = {
        "form": lambda n: form_client.post(
            "/tickets/new/",
            {"name": "Bench", "email": CUSTOMER, "subject": f"P {n}", "message": "视频播放到一半卡住。"},
        ),
        "api": lambda n: api_client.post(
            "/api/tickets/",
            {"subject": f"P {n}", "body": "VPN drops every 5 minutes", "customer_email": CUSTOMER},
            content_type="application/json",
        ),
    }
    for label, post in posts.items():
        for n in range(10):
            post(n)
        # CPU time, not wall time: waiting on PostgreSQL or on a core of a shared machine
        # is not counted.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        statuses = set()
        for n in range(count):
            statuses.add(post(n).status_code)
        profiler.disable()
        assert statuses <= {201, 302}, statuses
        print(f"== {label}: {count} tickets")
        profiler.dump_stats(f"var/profile-{label}.pstats")
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top * 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the peer: 2 sync workers)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (more than 1: gthread)")
    parser.add_argument("--cpu", type=int, default=0, help="measure CPU ms per ticket over this many tickets")
    parser.add_argument("--profile", type=int, default=0, help="cProfile this many tickets of each kind")
    args = parser.parse_args()
    static_collect()  # the form's page, rendered with DEBUG off, needs the manifest
    django_setup()
    data = prepare()
    if args.profile:
        profile(data["token"], args.profile, top=40)
        return
    if args.cpu:
        print(f"tickets in the database: {ticket_count():,}")
        print(f"SQL queries per ticket: form {data['queries_form']}, API {data['queries_api']}")
        print(f"Redis round trips per ticket: form {data['redis_form']}, API {data['redis_api']}")
        cpu_per_ticket(data["token"], args.cpu)
        return
    print(f"tickets in the database: {ticket_count():,}")
    print(f"SQL queries per ticket: form {data['queries_form']}, API {data['queries_api']}")
    print(f"Redis round trips per ticket: form {data['redis_form']}, API {data['redis_api']}")
    print(f"gunicorn: {args.workers} workers, {args.threads} thread(s) each")
    with gunicorn_served(workers=args.workers, threads=args.threads) as port:
        for run in range(1, args.runs + 1):
            for label, lua in (("form", form_lua(port)), ("api", api_lua(data["token"]))):
                before = ticket_count()
                result = run_wrk(port, lua, args.seconds)
                created = ticket_count() - before
                print(
                    f"run {run} {label:4s} tickets/s={created / args.seconds:6.1f} requests/s={result['rps']:6.1f} "
                    f"p50={result['p50_ms']:.1f} ms non-2xx/3xx={result['errors']} created={created}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
