"""The client's address, as the lockout and the rate limits see it.

Behind a reverse proxy every request arrives from the proxy's address, so a
limit per ``REMOTE_ADDR`` puts all citizens in one bucket and lets anyone
lock a named account for everyone. The proxy reports the client in
``X-Forwarded-For``, but a client can send that header too: it is read only
when the peer is one of ``MOTCUA_TRUSTED_PROXIES`` (addresses or networks),
and then from the right, skipping the trusted hops, so the first address
that no trusted proxy vouches for is the client. A peer that is not trusted
is the client itself, whatever the header says.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder bucket, never bound to
"""The bucket of a request whose peer address cannot be read (never in production)."""

IPV6_BUCKET_PREFIX = 64
"""An IPv6 client usually holds a whole /64: the limits count per /64, not per address."""


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """Return ``MOTCUA_TRUSTED_PROXIES`` as networks (a bare address is a /32 or /128)."""
    return _networks(tuple(settings.MOTCUA_TRUSTED_PROXIES))


def parse_address(text: str) -> IPAddress | None:
    """Return the address in ``text`` ("1.2.3.4", "1.2.3.4:80", "[::1]:80"), or None.

    An IPv4-mapped IPv6 address ("::ffff:1.2.3.4") is returned as IPv4, so
    one client has one spelling.
    """
    value = text.strip().strip('"')
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


_warned: set[str] = set()


def _warn_unlisted_proxy(peer: IPAddress) -> None:
    """Log once per process that a private peer forwards for others but is not listed.

    Left so, every client counts as the proxy: the look-up limit is shared by
    all citizens, and wrong passwords from anyone pause every sign-in made
    through it.
    """
    text = peer.compressed
    if text not in _warned:
        _warned.add(text)
        logger.warning(
            "%s sends X-Forwarded-For but is not in MOTCUA_TRUSTED_PROXIES: every client "
            "behind it counts as one address for the lockout and the rate limits.",
            text,
        )


def client_ip(request: HttpRequest) -> IPAddress | None:
    """Return the client's address for ``request`` (see the module docstring), or None."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_proxies()
    if peer is None or not networks or not _is_trusted(peer, networks):
        if peer is not None and peer.is_private and "HTTP_X_FORWARDED_FOR" in request.META:
            _warn_unlisted_proxy(peer)
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for hop in reversed(forwarded.split(",")):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy passed on something that is not an address:
            # the last address a trusted hop vouched for is the best known.
            return client
        client = address
        if not _is_trusted(address, networks):
            return address
    return client


def client_address(request: HttpRequest) -> str:
    """Return the client's address as text ("203.0.113.5", "2001:db8::1")."""
    address = client_ip(request)
    return UNKNOWN_ADDRESS if address is None else address.compressed


def client_bucket(request: HttpRequest) -> str:
    """Return what the lockout and the rate limits count per: the address, or its /64.

    An IPv4 client is its address; an IPv6 client is the /64 network it
    belongs to, written as that network's first address (so it still fits
    an address column), because one household or server can use any
    address of its /64.
    """
    address = client_ip(request)
    if address is None:
        return UNKNOWN_ADDRESS
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((address, IPV6_BUCKET_PREFIX), strict=False)
        return network.network_address.compressed
    return address.compressed
