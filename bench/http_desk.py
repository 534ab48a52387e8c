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
import json
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

RARE_ZH = "鲸歌"  # two characters: what pg_trgm cannot serve
RARE_EN = "whalesong"

from served import django_setup, gunicorn_served, measure, print_header, print_timings, signed_in_session  # noqa: E402


def prepare() -> dict[str, object]:
    django_setup()
    from accounts.models import Role, User
    from accounts.services import api_token_create
    from tickets.models import Ticket, TicketMessage
    from tickets.services import ticket_reply

    session = signed_in_session("agent1@example.com")
    agent = User.objects.get(email="agent1@example.com")
    customer = User.objects.filter(groups__name=Role.CUSTOMER, tickets__isnull=False).order_by("pk").first()
    _token, key = api_token_create(user=customer, name="bench", scope="write")
    ticket = Ticket.objects.filter(tier=1).order_by("-pk").first()
    while TicketMessage.objects.filter(ticket=ticket).count() < 10:
        ticket_reply(ticket=ticket, author=agent, body="基准测试回复 bench reply", internal=True)
    word = Ticket.objects.order_by("pk").values_list("subject", flat=True).first().split()[0][:4]
    # A phrase of the newest message's body: what an agent remembers of a conversation.
    body = TicketMessage.objects.filter(kind="reply").order_by("-pk").values_list("body", flat=True).first() or ""
    phrase = next(
        (body[i : i + 4] for i in range(len(body) - 4) if all("\u4e00" <= c <= "\u9fff" for c in body[i : i + 4])),
        "发票",
    )
    # Rare words, as an agent remembers a detail of one old conversation: a note on each of
    # two tickets from the middle of the history (planted once; the demo's texts come from a
    # small vocabulary, so every word they use is common).
    ids = Ticket.objects.filter(tier=1).order_by("pk").values_list("pk", flat=True)
    count = ids.count()
    for pk in (ids[count // 3], ids[count // 2]):
        if not TicketMessage.objects.filter(ticket_id=pk, body__contains=RARE_ZH).exists():
            ticket_reply(
                ticket=Ticket.objects.get(pk=pk), author=agent, body=f"{RARE_ZH} {RARE_EN} 已核对", internal=True
            )
    return {
        "body_phrase": phrase,
        "session": session,
        "token": key,
        "ticket": ticket.pk,
        "email": customer.email,
        "name": customer.name,
        "word": word,
        "tickets": Ticket.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--only", default="", help="Measure only the scenarios whose name holds one of these texts (comma-separated)."
    )
    args = parser.parse_args()
    data = prepare()
    with gunicorn_served() as port:
        session = {"Cookie": f"sessionid={data['session']}"}
        api = {"Authorization": f"Token {data['token']}", "Content-Type": "application/json"}
        scenarios = [
            ("queue, default view", "GET", "/desk/tickets/", session, None, 200),
            ("queue, tier 1 + status open", "GET", "/desk/tickets/?tier=1&status=open", session, None, 200),
            ("search, subject word", "GET", f"/desk/tickets/?q={quote(str(data['word']))}", session, None, 200),
            ("search, customer email", "GET", f"/desk/tickets/?q={quote(str(data['email']))}", session, None, 200),
            ("search, customer name", "GET", f"/desk/tickets/?q={quote(str(data['name']))}", session, None, 200),
            ("search, ticket number alone", "GET", f"/desk/tickets/?q={data['ticket']}", session, None, 200),
            ("search, body: 发票 (common)", "GET", f"/desk/tickets/?q={quote('发票')}", session, None, 200),
            (
                "search, body: 4-char phrase",
                "GET",
                f"/desk/tickets/?q={quote(str(data['body_phrase']))}",
                session,
                None,
                200,
            ),
            ("search, body: refund (English)", "GET", "/desk/tickets/?q=refund", session, None, 200),
            ("search, body: rare 鲸歌 (2 tickets)", "GET", f"/desk/tickets/?q={quote(RARE_ZH)}", session, None, 200),
            ("search, body: rare whalesong", "GET", f"/desk/tickets/?q={RARE_EN}", session, None, 200),
            ("search, no match: 量子纠缠", "GET", f"/desk/tickets/?q={quote('量子纠缠')}", session, None, 200),
            ("ticket page, 10 messages", "GET", f"/desk/tickets/{data['ticket']}/", session, None, 200),
            ("help-center home, visitor", "GET", "/", {"Accept-Language": "zh-hans"}, None, 200),
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
        print_header("scenario", 32)
        for name, method, path, headers, body, expect in scenarios:
            if not any(part in name for part in args.only.split(",")):
                continue
            print_timings(name, 32, measure(port, method, path, headers, body, args.requests, expect))


if __name__ == "__main__":
    main()
