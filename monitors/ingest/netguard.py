"""Refuse article URLs that resolve to addresses a public news page never lives at.

Full-text fetching follows links found in third-party feeds, so a hostile feed could point it
at the machine itself, the local network or a cloud metadata service (SSRF).  Every URL, and
every redirect hop, is checked after DNS resolution: loopback, private, link-local (including
169.254.169.254), multicast, reserved and unspecified addresses are refused unless the config
allows private addresses (tests and the demo serve pages on 127.0.0.1).

A DNS answer could in principle change between this check and the connection (rebinding); the
window is one request, and the answer is re-checked on every hop.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


def address_is_public(addr: str) -> bool:
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def check_url(
    url: str, allow_private: bool, cache: dict[tuple[str, int], str | None] | None = None
) -> str | None:
    """None when ``url`` may be fetched; otherwise the reason it is refused. ``cache`` keeps
    each host's verdict for one batch, so a dead host costs one lookup, not one per article."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"refused: scheme {parts.scheme or '(none)'!r} is not http(s)"
    host = parts.hostname
    if not host:
        return "refused: URL has no host"
    if allow_private:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "refused: invalid port"
    key = (host.lower(), port)
    if cache is not None and key in cache:
        return cache[key]
    verdict = await _resolve_and_check(host, port)
    if cache is not None:
        cache[key] = verdict
    return verdict


async def _resolve_and_check(host: str, port: int) -> str | None:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        return f"cannot resolve {host}: {e}"
    for info in infos:
        addr = str(info[4][0])
        if not address_is_public(addr):
            return f"refused: {host} resolves to non-public address {addr}"
    return None
