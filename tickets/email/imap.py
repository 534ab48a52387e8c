"""Polling a mailbox over IMAP (imap-tools). A message is marked read, or deleted, only
after ``mail_ingest`` has stored it (filed, ignored, quarantined or already there), so a
crash between fetching and storing leaves it in the folder for the next poll."""

import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags
from imap_tools import MailMessage as ImapMessage
from imap_tools.mailbox import BaseMailBox

from helpdesk.outbound import OutboundAddressRefusedError, outbound_host_check, outbound_peer_check

from ..models import ImapSecurity, Mailbox
from .ingest import mail_ingest

logger = logging.getLogger(__name__)

# Messages fetched per poll of one mailbox; the rest wait for the next poll (each message
# is one round trip and one ingest, about 10-30 ms).
POLL_BATCH = 200
IMAP_TIMEOUT = 30


class RawImapMessage(ImapMessage):
    """imap-tools' message, keeping the bytes exactly as the server sent them."""

    def __init__(self, fetch_data: list) -> None:
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]
        super().__init__(fetch_data)


def imap_connect(mailbox: Mailbox) -> BaseMailBox:
    """A logged-in client on the mailbox's folder. The password goes to the server only,
    and only to a server outside this machine and its private network (unless
    ``HELPDESK_OUTBOUND_ALLOWED_NETWORKS`` allows it): the host's addresses are checked
    before connecting, and the connected peer again before logging in."""
    outbound_host_check(mailbox.imap_host, mailbox.imap_port)
    if mailbox.imap_security == ImapSecurity.SSL:
        client: BaseMailBox = MailBox(mailbox.imap_host, mailbox.imap_port, timeout=IMAP_TIMEOUT)
    elif mailbox.imap_security == ImapSecurity.STARTTLS:
        client = MailBoxStartTls(mailbox.imap_host, mailbox.imap_port, timeout=IMAP_TIMEOUT)
    else:
        client = MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port, timeout=IMAP_TIMEOUT)
    client.email_message_class = RawImapMessage
    try:
        outbound_peer_check(client.client.sock)
    except OutboundAddressRefusedError:
        client.client.shutdown()
        raise
    client.login(mailbox.imap_user, mailbox.imap_password, initial_folder=mailbox.folder)
    return client


def mailbox_poll(*, mailbox: Mailbox) -> dict[str, int]:
    """Ingest the unread (or, when deleting, all) messages of the mailbox's folder, up to
    POLL_BATCH. Returns the outcome counts. Connection and login errors are recorded on
    the mailbox (without the password) and re-raised for the task to retry; a refused
    destination (``helpdesk.outbound``) is recorded and not retried."""
    counts: Counter[str] = Counter()
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("mailbox_poll must not run inside a transaction: messages are deleted once stored")
    try:
        with imap_connect(mailbox) as client:
            criteria = "ALL" if mailbox.delete_after_import else "UNSEEN"
            done: list[str] = []
            for message in client.fetch(criteria, mark_seen=False, limit=POLL_BATCH, bulk=False):
                result = mail_ingest(raw=message.raw, mailbox=mailbox)  # committed when it returns
                counts[result.outcome] += 1
                if message.uid:
                    done.append(message.uid)
            if done and mailbox.delete_after_import:
                client.delete(done)
            elif done:
                client.flag(done, MailMessageFlags.SEEN, True)
    except OutboundAddressRefusedError as exc:
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=exc.message[:2000], last_polled_at=timezone.now())
        logger.warning("polling mailbox %s refused: %s", mailbox.pk, exc.message)
        return {}
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if mailbox.imap_password:
            error = error.replace(mailbox.imap_password, "***")
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=error[:2000], last_polled_at=timezone.now())
        logger.warning("polling mailbox %s failed: %s", mailbox.pk, error)
        raise
    Mailbox.objects.filter(pk=mailbox.pk).update(last_error="", last_polled_at=timezone.now())
    return dict(counts)
