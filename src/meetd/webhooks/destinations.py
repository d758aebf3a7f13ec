"""Where webhooks may send (contract A10, MEETD_WEBHOOK_DESTINATIONS): `any` (local receivers
are how development works), or `public`: no loopback, private, link-local, metadata or other
non-global address, whether the URL names it or a name resolves to it. Checked when a
webhook is saved and again before each delivery."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

ANY, PUBLIC = "any", "public"


class Refused(Exception):
    """The destination is not allowed; the message says why, for the delivery log."""


class Unresolved(Exception):
    """The name did not resolve: perhaps for a moment (a delivery is retried)."""


async def check(url: str, policy: str) -> None:
    if policy != PUBLIC:
        return
    host = urlsplit(url).hostname or ""
    for address in await _addresses(host):
        if not address.is_global or address.is_multicast:
            raise Refused(
                f"{host} is {address}, not a public address (MEETD_WEBHOOK_DESTINATIONS=public)"
            )


async def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        raise Unresolved(f"{host} does not resolve") from None
    addresses = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        addresses.append(address)
    return addresses
