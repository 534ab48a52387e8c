"""Where a page's time goes, in-process: the production settings of ``http_desk.py`` (DEBUG
off, the cached template loader, the same middleware), Django's test client, no HTTP.

For each page: wall and CPU time per request (median and p95 of ``--requests`` after 5
warm-up requests), the number of SQL queries and their time as the database driver saw it
(round trips included), and the time spent rendering each template (inclusive: a template's
time holds the templates it includes). ``--cprofile N`` prints the N costliest functions of
the same requests as well.

Usage (from the project root, on a database seeded as for http_desk.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python bench/page_profile.py [--requests 40] [--only "ticket page"] [--cprofile 30]
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import django_setup, signed_in_session  # noqa: E402

WARM_UP = 5


class Recorder:
    """SQL queries and template render times of the requests made inside ``recording()``."""

    def __init__(self) -> None:
        self.queries = 0
        self.sql_seconds = 0.0
        self.templates: dict[str, float] = defaultdict(float)
        self.template_calls: dict[str, int] = defaultdict(int)
        self.statements: dict[str, list[float]] = defaultdict(list)

    def sql(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.sql_seconds += elapsed
            self.queries += 1
            self.statements[sql].append(elapsed)


@contextmanager
def recording(recorder: Recorder) -> Iterator[None]:
    from django.db import connection
    from django.template.base import Template

    original = Template._render

    def timed_render(template: Template, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(template, context)
        finally:
            recorder.templates[template.name or "(string)"] += time.perf_counter() - started
            recorder.template_calls[template.name or "(string)"] += 1

    Template._render = timed_render
    try:
        with connection.execute_wrapper(recorder.sql):
            yield
    finally:
        Template._render = original


def pages() -> list[tuple[str, str, str | None]]:
    """(name, path, signed-in email or None): the pages http_desk.py measures."""
    from accounts.models import User
    from tickets.models import Ticket, TicketMessage
    from tickets.services import ticket_reply

    # The ticket http_desk.py measures, with its 10 messages.
    ticket = Ticket.objects.filter(tier=1).order_by("-pk").first()
    agent = User.objects.get(email="agent1@example.com")
    while TicketMessage.objects.filter(ticket=ticket).count() < 10:
        ticket_reply(ticket=ticket, author=agent, body="基准测试回复 bench reply", internal=True)
    return [
        ("ticket page, 10 messages", f"/desk/tickets/{ticket.pk}/", "agent1@example.com"),
        ("help-center home, visitor", "/", None),
        ("help-center home, customer", "/", "customer@example.com"),
        ("queue, default view", "/desk/tickets/", "agent1@example.com"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--only", default="", help="Pages whose name holds one of these texts (comma-separated).")
    parser.add_argument("--cprofile", type=int, default=0, help="Also print the N costliest functions (cumulative).")
    parser.add_argument("--templates", type=int, default=12, help="How many templates to list per page.")
    parser.add_argument("--sql", action="store_true", help="Also list each statement with its time per request.")
    parser.add_argument("--sql-width", type=int, default=160, help="How much of each statement to print.")
    args = parser.parse_args()
    django_setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages link hashed names

    for name, path, email in pages():
        if not any(part in name for part in args.only.split(",")):
            continue
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
        if email:
            client.cookies["sessionid"] = signed_in_session(email)
        for _ in range(WARM_UP):
            assert client.get(path).status_code == 200, path
        walls, cpus = [], []
        recorder = Recorder()
        profiler = cProfile.Profile() if args.cprofile else None
        with recording(recorder):
            for _ in range(args.requests):
                wall, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                response = client.get(path)
                if profiler:
                    profiler.disable()
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200, path
        n = args.requests
        walls.sort()
        cpus.sort()
        p95 = int(n * 0.95) - 1
        print(f"\n== {name}: {path} ({len(response.content):,} bytes)")
        print(
            f"wall p50 {statistics.median(walls):.1f} p95 {walls[p95]:.1f} ms; "
            f"CPU p50 {statistics.median(cpus):.1f} p95 {cpus[p95]:.1f} ms; "
            f"{recorder.queries / n:.1f} queries, {recorder.sql_seconds * 1000 / n:.1f} ms of SQL per request"
        )
        print("templates (inclusive ms per request, renders per request):")
        ranked = sorted(recorder.templates.items(), key=lambda item: -item[1])[: args.templates]
        for template, seconds in ranked:
            print(f"  {seconds * 1000 / n:7.2f}  {recorder.template_calls[template] / n:5.1f}  {template}")
        if args.sql:
            print("statements (ms per request, executions per request):")
            for sql, times in sorted(recorder.statements.items(), key=lambda item: -sum(item[1])):
                print(f"  {sum(times) * 1000 / n:7.2f}  {len(times) / n:5.1f}  {sql[: args.sql_width]}")
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.cprofile)
            stats.sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
