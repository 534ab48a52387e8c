"""A manager can point a mailbox at any host: the password never reaches this machine,
its private network, or another server without being typed again."""

import socket
import threading

import pytest
from django.urls import reverse

from tickets.email.imap import mailbox_poll
from tickets.models import ImapSecurity, Mailbox

PASSWORD = "s3cret-imap-Password"


class FakeImapServer:
    """A loopback TCP server that greets like IMAP and records every line it receives."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(5)
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        self.connections += 1
        with conn:
            conn.sendall(b"* OK IMAP4rev1 ready\r\n")
            conn.settimeout(2)
            try:
                while chunk := conn.recv(4096):
                    self.received += chunk
                    tag = chunk.split(b" ", 1)[0]
                    conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()
        self.thread.join(timeout=5)


@pytest.fixture
def fake_imap():
    server = FakeImapServer()
    yield server
    server.close()


def _mailbox(host: str, port: int) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address="support@help.example.com",
        imap_host=host,
        imap_port=port,
        imap_security=ImapSecurity.NONE,
        imap_user="support",
        imap_password=PASSWORD,
    )


# mailbox_poll commits as it goes, so these tests run outside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_polling_a_loopback_or_private_host_is_refused_and_recorded(fake_imap):
    for host in ["127.0.0.1", "localhost", "10.0.0.8", "169.254.169.254"]:
        # given
        mailbox = _mailbox(host, fake_imap.port)
        # when
        assert mailbox_poll(mailbox=mailbox) == {}
        # then: nothing connected, the reason is on the mailbox for the admin
        mailbox.refresh_from_db()
        assert "not allowed" in mailbox.last_error, host
        mailbox.delete()
    assert fake_imap.connections == 0


@pytest.mark.django_db(transaction=True)
def test_a_name_that_resolves_elsewhere_when_connecting_never_gets_the_password(monkeypatch, fake_imap):
    # given: DNS rebinding: the name resolves to a public address when checked, then to
    # loopback when the IMAP library connects (the resolver is the edge we mock)
    real = socket.getaddrinfo
    answers = iter(["93.184.215.14"])

    def resolve(host, port, *args, **kwargs):
        if host == "imap.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    mailbox = _mailbox("imap.example.com", fake_imap.port)
    # when
    assert mailbox_poll(mailbox=mailbox) == {}
    fake_imap.close()
    # then: connected, found to be on loopback, and left before logging in
    assert fake_imap.connections == 1
    assert PASSWORD.encode() not in fake_imap.received
    assert b"LOGIN" not in fake_imap.received.upper()
    mailbox.refresh_from_db()
    assert "127.0.0.1" in mailbox.last_error


def _form_data(page) -> dict:
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "imap_password"}
    data.update(default_category="", imap_password="")
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("imap_host", "imap.attacker.example"), ("imap_port", "1143"), ("imap_user", "other"), ("imap_security", "none")],
)
def test_changing_the_server_or_user_takes_the_password_again(manager_client, field, value):
    # given
    mailbox = _mailbox("imap.example.com", 993)
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_security=ImapSecurity.SSL)
    url = reverse("admin:tickets_mailbox_change", args=[mailbox.pk])
    data = _form_data(manager_client.get(url))
    data[field] = value
    # when: the password left blank
    response = manager_client.post(url, data)
    # then
    assert response.status_code == 200
    assert "enter the IMAP password for it again" in response.content.decode()
    mailbox.refresh_from_db()
    assert getattr(mailbox, field) != (int(value) if field == "imap_port" else value)
    # and with the password typed again, the change is saved
    data["imap_password"] = "new-Password-1"
    assert manager_client.post(url, data).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_password == "new-Password-1"
