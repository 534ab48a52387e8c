"""Polling mailboxes against a real IMAP server: Dovecot on loopback with a throwaway
configuration, started by the fixture (``.ci/run`` installs dovecot-imapd)."""

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from tickets.email.imap import mailbox_poll
from tickets.email.ingest import mail_ingest
from tickets.models import ImapSecurity, Mailbox, MailMessage, MailStatus, Ticket
from tickets.tasks import mailboxes_poll_task

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
CORPUS = Path(__file__).parent / "email_corpus"
PASSWORD = "s3cret-imap-Password"

# CI (.ci/run, as root) installs dovecot-imapd; Dovecot needs root to switch to its users.
pytestmark = pytest.mark.skipif(
    not os.path.exists(DOVECOT) or os.geteuid() != 0, reason="needs dovecot-imapd and root (as in CI)"
)

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# No penalty after the wrong-password test: the next test's login must not wait (or, on a
# loaded machine, time out) behind Dovecot's anvil delay.
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
mail_uid = {user}
mail_gid = {user}
default_internal_user = {user}
default_internal_group = {user}
default_login_user = {login_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={user} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    """Dovecot listens on loopback, which the outbound guard refuses unless allowed."""
    settings.HELPDESK_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dovecot():
    """A Dovecot IMAP server on 127.0.0.1 with one user ``support``; yields its port."""
    root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    root.chmod(0o755)
    user = "dovecot"
    login_user = "dovenull"
    port = _free_port()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    entry = pwd.getpwnam(user)
    os.chown(root / "mail", entry.pw_uid, entry.pw_gid)
    (root / "passwd").write_text(f"support:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, user=user, login_user=login_user, port=port))
    # Dovecot keeps the real clock even when the suite runs under libfaketime (as the "any
    # hour" check does): its master would see the time jump when its children, which drop
    # LD_PRELOAD, start, and stop launching services for three minutes.
    clean_env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
    subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True, env=clean_env)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield port
    pid = int((root / "run" / "master.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    time.sleep(0.3)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap(dovecot):
    """A client on the support user's INBOX, emptied before each test."""
    client = imaplib.IMAP4("127.0.0.1", dovecot)
    client.login("support", PASSWORD)
    client.select("INBOX")
    client.store("1:*", "+FLAGS", r"(\Deleted)") if client.search(None, "ALL")[1][0] else None
    client.expunge()
    yield client
    client.logout()


def _mailbox(port: int, **kwargs) -> Mailbox:
    return Mailbox.objects.create(
        name=kwargs.pop("name", "Support"),
        address="support@help.example.com",
        imap_host="127.0.0.1",
        imap_port=port,
        imap_security=ImapSecurity.NONE,
        imap_user="support",
        imap_password=kwargs.pop("password", PASSWORD),
        **kwargs,
    )


def _append(client: imaplib.IMAP4, *names: str) -> None:
    for name in names:
        client.append("INBOX", None, None, (CORPUS / name).read_bytes())


def _unseen(client: imaplib.IMAP4) -> int:
    client.select("INBOX")
    return len(client.search(None, "UNSEEN")[1][0].split())


@pytest.mark.django_db(transaction=True)
def test_poll_files_new_mail_marks_it_read_and_is_idempotent(dovecot, imap):
    _append(imap, "01-plain-english.eml", "24-bounce-dsn.eml", "27-broken-mime-no-boundary.eml")
    mailbox = _mailbox(dovecot)

    assert mailbox_poll(mailbox=mailbox) == {"created": 1, "ignored": 1, "quarantined": 1}
    assert _unseen(imap) == 0  # all three are stored, so all three are marked read
    assert MailMessage.objects.filter(mailbox=mailbox).count() == 3
    assert mailbox_poll(mailbox=mailbox) == {}

    # the same messages unread again (another client, a restore): duplicates, nothing new
    imap.store("1:*", "-FLAGS", r"(\Seen)")
    assert mailbox_poll(mailbox=mailbox) == {"duplicates": 3}
    assert Ticket.objects.count() == 1
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is not None
    assert mailbox.last_error == ""


@pytest.mark.django_db(transaction=True)
def test_delete_after_import_removes_only_what_was_stored(dovecot, imap):
    _append(imap, "03-gbk-base64.eml", "05-big5-traditional.eml")
    mailbox = _mailbox(dovecot, delete_after_import=True)
    with (
        mock.patch("tickets.email.imap.mail_ingest", side_effect=RuntimeError("database down")),
        pytest.raises(RuntimeError),
    ):
        mailbox_poll(mailbox=mailbox)
    imap.select("INBOX")
    assert len(imap.search(None, "ALL")[1][0].split()) == 2  # nothing stored, nothing deleted
    mailbox.refresh_from_db()
    assert "database down" in mailbox.last_error

    assert mailbox_poll(mailbox=mailbox) == {"created": 2}
    imap.select("INBOX")
    assert imap.search(None, "ALL")[1][0] == b""
    assert set(Ticket.objects.values_list("subject", flat=True)) == {"发票开具问题", "無法登入帳號"}


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_recorded_without_the_password(dovecot, imap):
    mailbox = _mailbox(dovecot, password="wrong-Password-123")
    with pytest.raises(Exception, match="(?i)auth|login"):
        mailbox_poll(mailbox=mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_error
    assert "wrong-Password-123" not in mailbox.last_error
    assert "wrong-Password-123" not in repr(mailbox)
    assert "wrong-Password-123" not in str(mailbox)


@pytest.mark.django_db(transaction=True)
def test_the_periodic_task_polls_every_active_mailbox(dovecot, imap):
    _append(imap, "01-plain-english.eml")
    _mailbox(dovecot)
    _mailbox(dovecot, name="Paused", is_active=False)
    assert mailboxes_poll_task() == 1  # eager in tests: the poll ran
    assert MailMessage.objects.filter(status=MailStatus.CREATED).count() == 1


def test_the_mailbox_poll_is_in_the_beat_schedule(settings):
    assert "tickets.tasks.mailboxes_poll_task" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.django_db
def test_the_admin_never_shows_the_password_and_keeps_it_when_left_blank(admin_client_role, manager_client):
    mailbox = _mailbox(993)
    url = reverse("admin:tickets_mailbox_change", args=[mailbox.pk])
    page = manager_client.get(url)
    assert page.status_code == 200
    assert PASSWORD not in page.content.decode()
    assert PASSWORD not in manager_client.get(reverse("admin:tickets_mailbox_changelist")).content.decode()
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "imap_password"}
    data.update(default_category="", imap_password="", name="Renamed")
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_password) == ("Renamed", PASSWORD)


@pytest.mark.django_db
def test_managers_see_the_quarantine_and_retry_it_customers_and_agents_do_not(
    manager_client, tier1_client, customer_a_client
):
    raw = (CORPUS / "27-broken-mime-no-boundary.eml").read_bytes()
    mail = mail_ingest(raw=raw).mail
    changelist = reverse("admin:tickets_mailmessage_changelist")
    page = manager_client.get(changelist + "?status=quarantined")
    assert page.status_code == 200
    assert "Broken" in page.content.decode()
    detail = manager_client.get(reverse("admin:tickets_mailmessage_change", args=[mail.pk]))
    assert "NoBoundaryInMultipartDefect" in detail.content.decode()
    assert tier1_client.get(changelist).status_code == 302  # not staff: to the admin login
    assert customer_a_client.get(changelist).status_code == 302
    # the fix: the message's bytes are repaired, then a manager retries it
    MailMessage.objects.filter(pk=mail.pk).update(raw=raw.replace(b"multipart/mixed", b"text/plain; charset=utf-8"))
    response = manager_client.post(changelist, {"action": "retry", "_selected_action": [mail.pk]})
    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.status == MailStatus.CREATED
    assert mail.attempts == 2
