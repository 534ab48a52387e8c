"""``manage.py ingest_email PATH``: file raw mail as tickets and replies.

PATH is one raw message (``.eml``), a Maildir (a folder with ``cur``/``new``/``tmp``), an
mbox (a file starting with "From "), or ``-`` for one message on standard input (for
piping from an MTA). The last line printed counts the outcomes; they add up to the number
of messages read. Sources are never changed: ingesting again reports duplicates.
"""

import mailbox
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tickets.email.ingest import Outcome, mail_ingest
from tickets.models import Mailbox

# A Maildir unique name starts with the delivery time: "<seconds>.M<microseconds>P<pid>Q<n>.<host>"
# (Python, Dovecot, Postfix) or the older "<seconds>.<pid>.<host>".
MAILDIR_NAME = re.compile(r"^(\d+)(?:\.M(\d+))?(?:P(\d+))?(?:Q(\d+))?")


def maildir_delivery_order(key: str) -> tuple[int, int, int, str]:
    """Sort key for Maildir names in the order the mail was delivered. The microseconds are
    not zero-padded ("M99999" comes after "M100000"), so plain string order would put a
    reply before the message it answers when both arrived within one second."""
    match = MAILDIR_NAME.match(key)
    if match is None:
        return (sys.maxsize, 0, 0, key)
    seconds, micros, _pid, sequence = (int(group or 0) for group in match.groups())
    return (seconds, micros, sequence, key)


def messages_read(path: str) -> Iterator[bytes]:
    """The raw bytes of every message at ``path`` (see the module docstring)."""
    if path == "-":
        yield sys.stdin.buffer.read()
        return
    source = Path(path)
    if source.is_dir():
        if not all((source / sub).is_dir() for sub in ("cur", "new", "tmp")):
            raise CommandError(f"{path} is a folder but not a Maildir (cur, new and tmp are missing).")
        box = mailbox.Maildir(source, factory=None, create=False)
        for key in sorted(box.keys(), key=maildir_delivery_order):
            yield box.get_bytes(key)
        return
    if not source.is_file():
        raise CommandError(f"{path} does not exist.")
    with source.open("rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if is_mbox:
        box = mailbox.mbox(source, factory=None, create=False)
        for key in box.iterkeys():
            yield box.get_bytes(key)
        return
    yield source.read_bytes()


class Command(BaseCommand):
    help = "File raw mail as tickets: one .eml file, a Maildir, an mbox, or - for standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a message file, a Maildir folder, an mbox file, or - (stdin)")
        parser.add_argument("--mailbox", help="name of the configured mailbox (default category and priority)")

    def handle(self, *args: Any, **options: Any) -> None:
        box = None
        if options["mailbox"]:
            box = Mailbox.objects.filter(name=options["mailbox"]).first()
            if box is None:
                raise CommandError(f"No mailbox is named {options['mailbox']!r}.")
        counts: Counter[str] = Counter()
        for raw in messages_read(options["path"]):
            result = mail_ingest(raw=raw, mailbox=box)
            counts[result.outcome] += 1
            if result.outcome == Outcome.QUARANTINED and options["verbosity"] > 0:
                self.stderr.write(f"quarantined {result.mail.message_id}: {result.mail.reason}")
        self.stdout.write(" ".join(f"{o.value}={counts[o]}" for o in Outcome))
