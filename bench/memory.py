"""Memory of the served site: PSS and USS (unique: private pages) of the gunicorn master
and each worker, after each worker served the help-center home, the desk queue and a
ticket page, with and without loading the application before forking (``preload_app`` in
gunicorn.conf.py). USS is what one more worker costs; PSS shares the common pages out.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python bench/memory.py [--workers 3]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import ENV, ROOT, django_setup, free_port, measure, signed_in_session  # noqa: E402


def memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, USS) in KiB from /proc/<pid>/smaps_rollup."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    field = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+):\s+(\d+) kB", text, re.MULTILINE)}
    return field["Pss"], field["Private_Clean"] + field["Private_Dirty"]


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def run(workers: int, preload: bool, session: str, ticket: int) -> list[tuple[str, int, int]]:
    env = {**os.environ, **ENV}
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "helpdesk.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning"]
    if not preload:  # without gunicorn.conf.py: each worker loads the app
        empty = Path(tempfile.gettempdir()) / "gunicorn-no-preload.conf.py"
        empty.write_text("")
        command += ["--config", str(empty)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        time.sleep(3)
        for _ in range(300):
            if len(children(server.pid)) == workers:
                break
            time.sleep(0.2)
        cookie = {"Cookie": f"sessionid={session}"}
        # Enough requests that every worker served each page (sequential requests spread
        # over the workers as they accept).
        for path, headers in [("/", {}), ("/desk/tickets/", cookie), (f"/desk/tickets/{ticket}/", cookie)]:
            measure(port, "GET", path, headers, None, 20 * workers, 200)
        time.sleep(1)
        rows = [("master", *memory_kib(server.pid))]
        rows += [(f"worker {n + 1}", *memory_kib(pid)) for n, pid in enumerate(sorted(children(server.pid)))]
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    django_setup()
    from tickets.models import Ticket

    session = signed_in_session("agent1@example.com")
    ticket = Ticket.objects.filter(tier=1).order_by("-pk").values_list("pk", flat=True).first()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )  # noqa: E501
    for preload in (False, True):
        rows = run(args.workers, preload, session, ticket)
        print(f"\n{'preloaded' if preload else 'each worker loads the app'} ({args.workers} workers)")
        print(f"{'process':<10} {'PSS MiB':>8} {'USS MiB':>8}")
        for name, pss, uss in rows:
            print(f"{name:<10} {pss / 1024:8.1f} {uss / 1024:8.1f}")
        print(f"{'total PSS':<10} {sum(r[1] for r in rows) / 1024:8.1f}")


if __name__ == "__main__":
    main()
