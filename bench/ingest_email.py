"""Throughput of ``manage.py ingest_email`` on a Maildir of 10,000 messages (issue 6).

Usage (from the project root; the database named by DATABASE_URL is migrated first and
gets the tickets, so use a scratch one):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/ingest_email.py [--messages 10000] [--senders 2000]

The Maildir mixes what a support address receives: new requests in UTF-8, GB2312/GBK,
Big5 and HTML-only, some with an attachment; replies threaded by In-Reply-To to earlier
messages of the same sender; auto-replies and bounces. Each sender writes a handful of
messages, below the per-sender rate limit. The command runs twice: the first run files
everything, the second finds only duplicates. Notification mails are enqueued to the
configured broker as in production (then purged).
"""

import argparse
import base64
import mailbox
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    "HELPDESK_EMAIL_RATE_LIMIT_PER_HOUR": "1000",
}
SUBJECTS = ["视频无法播放", "申请退款", "发票开具", "无法登录", "证书姓名错误", "Course locked after payment"]
BODIES = [
    "您好，我购买的课程第{n}节视频一直加载不出来，换了网络也不行。",
    "订单 T{n:010d} 重复扣款了，请帮我退一次。",
    "I paid for the column yesterday (order T{n:010d}) but lesson {n} is still locked.",
]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8).decode()


def message(n: int, sender: str, rng: random.Random, earlier: list[str]) -> tuple[str, bytes]:
    message_id = f"bench{n}@mail.example.cn"
    subject = rng.choice(SUBJECTS)
    body = rng.choice(BODIES).format(n=n)
    headers = f"From: {sender}\nTo: support@help.example.com\nMessage-ID: <{message_id}>\nMIME-Version: 1.0\n"
    kind = rng.random()
    if earlier and kind < 0.3:  # a reply to one of the sender's earlier messages
        headers += f"In-Reply-To: <{earlier[-1]}>\nReferences: <{earlier[-1]}>\n"
        subject = "回复：" + subject
        body = "还是不行。\n\n在 2026年11月21日 写道：\n> " + body
    elif kind < 0.35:
        headers += "Auto-Submitted: auto-replied\n"
    elif kind < 0.38:
        headers += "Precedence: bulk\n"
    encoded_subject = "=?utf-8?B?" + base64.b64encode(subject.encode()).decode() + "?="
    headers += f"Subject: {encoded_subject}\n"
    style = rng.random()
    if style < 0.25:
        raw = headers.encode() + b"Content-Type: text/plain; charset=gb2312\nContent-Transfer-Encoding: base64\n\n"
        raw += base64.encodebytes(body.encode("gb18030"))
    elif style < 0.35:
        raw = headers.encode() + b"Content-Type: text/plain; charset=big5\nContent-Transfer-Encoding: base64\n\n"
        raw += base64.encodebytes(body.encode("big5", "replace"))
    elif style < 0.5:
        html = f"<html><body><p>{body}</p><ul><li>order</li></ul></body></html>"
        raw = (headers + "Content-Type: text/html; charset=utf-8\n\n" + html + "\n").encode()
    elif style < 0.6:
        raw = (
            headers
            + 'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain; charset=utf-8\n\n'
            + body
            + '\n--B\nContent-Type: image/png\nContent-Disposition: attachment; filename="shot.png"\n'
            + "Content-Transfer-Encoding: base64\n\n"
            + PNG
            + "\n--B--\n"
        ).encode()
    else:
        raw = (headers + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n").encode()
    return message_id, raw


def build(folder: Path, count: int, senders: int) -> None:
    rng = random.Random(6)
    box = mailbox.Maildir(folder, create=True)
    history: dict[str, list[str]] = {}
    for n in range(count):
        sender = f"learner{rng.randrange(senders)}@example.cn"
        earlier = history.setdefault(sender, [])
        message_id, raw = message(n, sender, rng, earlier)
        earlier.append(message_id)
        box.add(raw)


def run(folder: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_email", str(folder), "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=2_000)
    args = parser.parse_args()
    env = {**os.environ, **ENV}
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-maildir-")) / "Maildir"
    try:
        started = time.perf_counter()
        build(folder, args.messages, args.senders)
        print(f"built {args.messages} messages in {time.perf_counter() - started:.1f} s")
        for label in ("first run", "second run (duplicates)"):
            seconds, line = run(folder, env)
            print(f"{label}: {seconds:.1f} s, {args.messages / seconds:.0f} messages/s -> {line}")
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "helpdesk", "purge", "-f"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=False,
        )


if __name__ == "__main__":
    main()
