"""Which outside addresses Parlante agrees to fetch from or send to.

One check for every link the server follows on someone's behalf: D-ID's result links and
the HTTP API's webhooks. Plain http and addresses on this machine or its private network
are refused (so a link cannot make the server reach inside the network it runs in).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def internal_host(host: str) -> bool:
    """localhost, or an IP literal on this machine or a private / link-local network."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: judged by what it resolves to, when it is used (resolves_inside)
    return not address.is_global


def resolves_inside(host: str) -> bool:
    """Whether a host name resolves to any internal address (or does not resolve at all)."""
    if internal_host(host):
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return True
    return any(internal_host(str(info[4][0])) for info in infos)


def url_problem(url: str, *, allow_insecure: bool = False) -> str | None:
    """Why ``url`` may not be used as an outside link ("scheme", "host", "private"), or None.

    ``allow_insecure`` (development only) lets http and private addresses through.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "host"
    if parts.scheme not in ("https", "http") or not host:
        return "scheme" if host else "host"
    if allow_insecure:
        return None
    if parts.scheme != "https":
        return "scheme"
    if internal_host(host) or parts.username or parts.password:
        return "private"
    return None
