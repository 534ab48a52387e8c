"""Our desk and django-helpdesk side by side, interleaved scenario by scenario, on databases
seeded to the same size (the peer's harness: ../shared/bench/django-helpdesk/, README.md).

Usage (from the project root; the peer served by its gunicorn, seeded by its seed.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1m flock /tmp/bench.lock \\
        .venv/bin/python bench/side_by_side.py --peer-port 8000 --peer-meta /path/seed_meta.json

Each round measures every pair (ours, then the peer's page of the same kind) with --n
sequential requests each, after a warm-up, so that both sides of a pair share the
machine's load of that minute; a slow page stops after --max-seconds (never with fewer
than 3 requests). The report gives each side's p50 and p95 (median over the rounds), the
ratio peer/ours of both, and the load average of each round: on a shared machine the
absolute times move by 2-3x with load, the ratios measured in one window much less.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_desk import RARE_EN, RARE_ZH, prepare  # noqa: E402
from served import gunicorn_served  # noqa: E402

MIN_N = 3
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
DATATABLES = re.compile(rb"/helpdesk/datatables_ticket_list/[A-Za-z0-9+/=]*")


def timed(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, body, elapsed


def cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.split(";", 1)[0].partition("=")
            found[key] = rest
    return found


def peer_login(port: int) -> str:
    """The peer's staff session (its seed's staff01), as its own harness signs in."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/helpdesk/login/")
    response = connection.getresponse()
    jar = cookies(response)
    token = TOKEN.search(response.read()).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "staff01", "password": "benchpass", "next": "/helpdesk/tickets/"}
    )
    header = "; ".join(f"{k}={v}" for k, v in jar.items())
    connection.request(
        "POST",
        "/helpdesk/login/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": header},
    )
    response = connection.getresponse()
    response.read()
    jar.update(cookies(response))
    connection.close()
    if response.status != 302 or "sessionid" not in jar:
        raise SystemExit(f"peer login failed: HTTP {response.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def peer_search(port: int, cookie: str, word: str) -> str:
    """The peer's keyword search as its list page fetches it: the DataTables JSON, 25 rows."""
    status, body, _ = timed(port, f"/helpdesk/tickets/?q={quote(word)}", {"Cookie": cookie})
    if status != 200:
        raise SystemExit(f"peer search page: HTTP {status}")
    return DATATABLES.search(body).group(0).decode() + "?draw=1&start=0&length=25"


def run(port: int, path: str, headers: dict[str, str], n: int, max_seconds: float) -> list[float]:
    timed(port, path, headers)  # warm-up
    timings: list[float] = []
    started = time.monotonic()
    while len(timings) < n:
        status, _body, elapsed = timed(port, path, headers)
        if status != 200:
            raise SystemExit(f"GET {path} on port {port}: HTTP {status}")
        timings.append(elapsed)
        if time.monotonic() - started > max_seconds and len(timings) >= MIN_N:
            break
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer-port", type=int, default=8000)
    parser.add_argument("--peer-meta", required=True, help="seed_meta.json written by the peer's seed.py")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=40, help="requests per side, scenario and round")
    parser.add_argument("--max-seconds", type=float, default=30)
    parser.add_argument("--only", default="", help="Only the pairs whose name holds one of these texts.")
    parser.add_argument("--json", default="", help="Write every timing to this file.")
    args = parser.parse_args()
    meta = json.loads(Path(args.peer_meta).read_text())
    data = prepare()
    peer_cookie = peer_login(args.peer_port)
    peer = {"Cookie": peer_cookie}
    printer = peer_search(args.peer_port, peer_cookie, "printer")
    rare = peer_search(args.peer_port, peer_cookie, RARE_EN)
    nothing = peer_search(args.peer_port, peer_cookie, "量子纠缠")
    with gunicorn_served() as port:
        ours = {"Cookie": f"sessionid={data['session']}"}
        pairs = [
            (
                "ticket page, 10 messages",
                (f"/desk/tickets/{data['ticket']}/", ours),
                (f"/helpdesk/tickets/{meta['probe']['ticket_10_followups']}/", peer),
            ),
            ("help-center home / KB index", ("/", {"Accept-Language": "zh-hans"}), ("/helpdesk/kb/", peer)),
            ("search, body: 发票 / printer", (f"/desk/tickets/?q={quote('发票')}", ours), (printer, peer)),
            (f"search, rare {RARE_ZH} / {RARE_EN}", (f"/desk/tickets/?q={quote(RARE_ZH)}", ours), (rare, peer)),
            ("search, no match: 量子纠缠 / 量子纠缠", (f"/desk/tickets/?q={quote('量子纠缠')}", ours), (nothing, peer)),
            (f"search, rare {RARE_EN} / {RARE_EN}", (f"/desk/tickets/?q={RARE_EN}", ours), (rare, peer)),
        ]
        pairs = [p for p in pairs if any(part in p[0] for part in args.only.split(","))]
        results: dict[str, dict[str, list[list[float]]]] = {name: {"ours": [], "peer": []} for name, *_ in pairs}
        loads = []
        print(f"{data['tickets']} tickets ours; peer seeded with {meta.get('tickets', '?')}", flush=True)
        for round_ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for name, (our_path, our_headers), (peer_path, peer_headers) in pairs:
                mine = run(port, our_path, our_headers, args.n, args.max_seconds)
                theirs = run(args.peer_port, peer_path, peer_headers, args.n, args.max_seconds)
                results[name]["ours"].append(mine)
                results[name]["peer"].append(theirs)
                print(
                    f"round {round_ + 1} {name:<40} ours n={len(mine)} p95={percentile(mine, 0.95):8.1f}"
                    f"  peer n={len(theirs)} p95={percentile(theirs, 0.95):8.1f}  load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        loads.append(os.getloadavg()[0])
    print(f"\nload average (1 min) over the rounds: {min(loads):.1f}-{max(loads):.1f}")
    print(f"{'pair':<40} {'ours p50':>9} {'ours p95':>9} {'peer p50':>9} {'peer p95':>9} {'p50 x':>6} {'p95 x':>6}")
    for name, sides in results.items():
        p50 = {side: statistics.median(percentile(r, 0.5) for r in runs) for side, runs in sides.items()}
        p95 = {side: statistics.median(percentile(r, 0.95) for r in runs) for side, runs in sides.items()}
        print(
            f"{name:<40} {p50['ours']:9.1f} {p95['ours']:9.1f} {p50['peer']:9.1f} {p95['peer']:9.1f}"
            f" {p50['peer'] / p50['ours']:6.1f} {p95['peer'] / p95['ours']:6.1f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"loads": loads, "results": results}))


if __name__ == "__main__":
    main()
