"""``manage.py ingest_email`` on a Maildir, an mbox, one file and standard input."""

import io
import json
import mailbox
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tickets.models import MailMessage, Ticket

CORPUS = Path(__file__).parent / "email_corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
# Messages that quote a ticket reference need the reference of a ticket of this run.
PLAIN = [e for e in MANIFEST if b"{ref:" not in (CORPUS / e["file"]).read_bytes()]


def run(path: str) -> str:
    out = io.StringIO()
    call_command("ingest_email", path, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()[-1]


def counts(line: str) -> dict[str, int]:
    return {key: int(value) for key, value in (pair.split("=") for pair in line.split())}


@pytest.mark.django_db
def test_a_maildir_ingested_twice_gives_the_manifest_counts_then_only_duplicates(tmp_path, tier1_agent, settings):
    settings.HELPDESK_EMAIL_AUTHSERV_IDS = ["mx.help.example.com"]  # our server vouches for the agent's reply
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for entry in PLAIN:
        box.add((CORPUS / entry["file"]).read_bytes())
    expected = dict.fromkeys(("created", "appended", "ignored", "quarantined", "held", "duplicates"), 0)
    for entry in PLAIN:
        expected[entry["outcome"]] += 1

    first = counts(run(str(tmp_path / "Maildir")))
    assert first == expected
    assert sum(first.values()) == len(PLAIN)
    tickets, mails = Ticket.objects.count(), MailMessage.objects.count()

    second = counts(run(str(tmp_path / "Maildir")))
    assert second == {**dict.fromkeys(expected, 0), "duplicates": len(PLAIN)}
    assert (Ticket.objects.count(), MailMessage.objects.count()) == (tickets, mails)


@pytest.mark.django_db
def test_an_mbox_is_detected_and_read(tmp_path):
    box = mailbox.mbox(tmp_path / "inbox.mbox", create=True)
    for name in ("01-plain-english.eml", "03-gbk-base64.eml", "22-precedence-bulk.eml"):
        box.add((CORPUS / name).read_bytes())
    box.flush()
    assert run(str(tmp_path / "inbox.mbox")) == "created=2 appended=0 ignored=1 quarantined=0 held=0 duplicates=0"


@pytest.mark.django_db
def test_one_file_and_stdin(monkeypatch):
    assert run(str(CORPUS / "27-broken-mime-no-boundary.eml")) == (
        "created=0 appended=0 ignored=0 quarantined=1 held=0 duplicates=0"
    )
    raw = (CORPUS / "05-big5-traditional.eml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert run("-") == "created=1 appended=0 ignored=0 quarantined=0 held=0 duplicates=0"
    assert Ticket.objects.get().subject == "無法登入帳號"


@pytest.mark.django_db
def test_a_missing_path_or_a_plain_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run(str(tmp_path / "nothing"))
    with pytest.raises(CommandError, match="not a Maildir"):
        run(str(tmp_path))
    with pytest.raises(CommandError, match="No mailbox"):
        call_command("ingest_email", str(tmp_path), "--mailbox", "nope")


def test_maildir_messages_are_read_in_delivery_order_not_string_order():
    from tickets.management.commands.ingest_email import maildir_delivery_order

    # given names as Python and Dovecot write them: microseconds are not zero-padded
    names = [
        "1764633600.M99999P12Q3.host",
        "1764633600.M100000P12Q4.host",
        "1764633599.M999999P12Q2.host",
        "1764633601.M5P12Q5.host",
        "1764633600.1234.oldhost",
    ]
    # then they sort by delivery time, whatever the digits' string order
    assert sorted(names, key=maildir_delivery_order) == [
        "1764633599.M999999P12Q2.host",
        "1764633600.1234.oldhost",
        "1764633600.M99999P12Q3.host",
        "1764633600.M100000P12Q4.host",
        "1764633601.M5P12Q5.host",
    ]
