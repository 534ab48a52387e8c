"""The outbound guard: loopback, private, link-local and reserved destinations are refused
unless a setting allows their network; every address a name resolves to is checked."""

import socket

import pytest

from helpdesk.outbound import (
    OutboundAddressRefusedError,
    outbound_address_check,
    outbound_host_check,
    outbound_url_check,
)

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "::ffff:127.0.0.1",
    "10.1.2.3",
    "172.16.0.5",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",  # noqa: S104
    "fd00::1",
    "fe80::1",
    "224.0.0.1",
]


@pytest.mark.parametrize("address", REFUSED)
def test_private_and_local_addresses_are_refused(address):
    with pytest.raises(OutboundAddressRefusedError):
        outbound_address_check(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_pass(address):
    outbound_address_check(address)


def test_a_setting_allows_a_private_network(settings):
    settings.HELPDESK_OUTBOUND_ALLOWED_NETWORKS = ["10.0.5.0/24", "127.0.0.0/8"]
    outbound_address_check("10.0.5.7")
    outbound_address_check("127.0.0.1")
    with pytest.raises(OutboundAddressRefusedError):
        outbound_address_check("10.0.6.7")


def test_a_name_is_refused_when_any_of_its_addresses_is(monkeypatch):
    # given: a name with a public and a loopback address (the resolver is the edge we mock)
    def resolve(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    # when / then
    with pytest.raises(OutboundAddressRefusedError, match="127.0.0.1"):
        outbound_host_check("mixed.example.com", 993)


def test_localhost_by_name_is_refused():
    with pytest.raises(OutboundAddressRefusedError):
        outbound_host_check("localhost", 993)


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "http:///nohost", "http://127.0.0.1/"])
def test_urls_other_than_public_http_are_refused(url):
    with pytest.raises(OutboundAddressRefusedError):
        outbound_url_check(url)
