"""Is a mail really from the staff member it names? Anyone can write ``From:
agent1@example.com``. A mail from a staff address is believed when our own receiving server
vouches for it (Authentication-Results, RFC 8601: DMARC pass, or DKIM or SPF pass aligned
with the From domain), or when it answers a notification mail we sent to that very address
on that ticket (its Message-ID carries a random token only the recipient's mailbox knows).

Only Authentication-Results headers whose authserv-id is one of
``HELPDESK_EMAIL_AUTHSERV_IDS`` count: a sender can write such headers too, but cannot
make our server's id appear on top of the ones our server adds (RFC 8601, section 5).
"""

import re

from django.conf import settings

from ..models import MailDirection, MailMessage, Ticket
from .parsing import ParsedMail

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9-]+)\s*=\s*([a-z]+)(.*)$", re.IGNORECASE)
_PROPERTY = re.compile(r"([a-z0-9-]+\.[a-z0-9-]+)\s*=\s*([^\s;]+)", re.IGNORECASE)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def _results(header: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """(authserv-id, [(method, result, {property: value})]) of one header."""
    text = _COMMENT.sub(" ", header)
    first, _, rest = text.partition(";")
    authserv_id = first.strip().split()[0].lower() if first.strip() else ""
    found = []
    for part in rest.split(";"):
        match = _RESULT.match(part)
        if match:
            props = {key.lower(): value.strip('"').lower() for key, value in _PROPERTY.findall(match.group(3))}
            found.append((match.group(1).lower(), match.group(2).lower(), props))
    return authserv_id, found


def authentication_passes(parsed: ParsedMail) -> bool:
    """Whether one of our servers' Authentication-Results says the From domain is real."""
    trusted = {value.lower() for value in settings.HELPDESK_EMAIL_AUTHSERV_IDS}
    domain = _domain(parsed.sender)
    if not trusted or not domain:
        return False
    for header in parsed.authentication_results:
        authserv_id, results = _results(header)
        if authserv_id not in trusted:
            continue
        for method, result, props in results:
            if result != "pass":
                continue
            if method == "dmarc" and props.get("header.from", domain) == domain:
                return True
            if method == "dkim" and _domain(props.get("header.d", "") or props.get("header.i", "")) == domain:
                return True
            if method == "spf" and _domain(props.get("smtp.mailfrom", "")) == domain:
                return True
    return False


def answers_mail_sent_to(parsed: ParsedMail, *, address: str, ticket: Ticket) -> bool:
    """Whether the mail quotes (In-Reply-To, References) the Message-ID of a mail we sent to
    ``address`` about ``ticket``: the per-ticket reply token."""
    ids = parsed.thread_ids
    if not ids:
        return False
    return MailMessage.objects.filter(
        direction=MailDirection.OUTBOUND, ticket=ticket, recipients__iexact=address, message_id__in=ids
    ).exists()


def staff_sender_verified(parsed: ParsedMail, *, ticket: Ticket) -> bool:
    return authentication_passes(parsed) or answers_mail_sent_to(parsed, address=parsed.sender, ticket=ticket)
