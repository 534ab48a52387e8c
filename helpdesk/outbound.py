"""The guard on outbound connections that a manager can point somewhere (a mailbox's IMAP
host, a webhook URL): they never reach the machine itself or the private network behind it
(server-side request forgery), unless ``HELPDESK_OUTBOUND_ALLOWED_NETWORKS`` allows the
address.

The host is resolved and every address it resolves to is checked, so a name that also
resolves to 127.0.0.1 is refused. A name can resolve differently a moment later (DNS
rebinding): callers also check the address they actually connected to
(``outbound_peer_check``) before they send anything secret.
"""

import ipaddress
import socket
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutboundAddressRefusedError(Exception):
    """The destination is on this machine or a private network, and no setting allows it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@cache
def _allowed(networks: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def _is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def outbound_address_check(address: str) -> None:
    """Raise ``OutboundAddressRefusedError`` unless ``address`` (an IP) is public or in an
    allowed network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _is_public(ip):
        return
    if any(ip in network for network in _allowed(tuple(settings.HELPDESK_OUTBOUND_ALLOWED_NETWORKS))):
        return
    raise OutboundAddressRefusedError(
        _(
            "Connections to %(address)s are not allowed: it is on this machine or a private network "
            "(HELPDESK_OUTBOUND_ALLOWED_NETWORKS can allow it)."
        )
        % {"address": ip}
    )


def outbound_host_check(host: str, port: int) -> list[str]:
    """Resolve ``host`` and check every address. Returns the addresses; raises
    ``OutboundAddressRefusedError`` when any is refused or the name does not resolve."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundAddressRefusedError(_("The host %(host)s cannot be resolved.") % {"host": host}) from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    for address in addresses:
        outbound_address_check(address)
    return addresses


def outbound_url_check(url: str) -> list[str]:
    """``outbound_host_check`` for an http(s) URL's host and port."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundAddressRefusedError(_("Only http and https URLs with a host are allowed."))
    return outbound_host_check(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def outbound_peer_check(sock: socket.socket) -> None:
    """Check the address a socket is connected to (after DNS was asked again by the
    connecting library)."""
    outbound_address_check(str(sock.getpeername()[0]))
