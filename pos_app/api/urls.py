"""Which central API addresses the till may talk to: ``https://`` anywhere, plain ``http://`` only on loopback.

The bearer token travels in every request: over plain HTTP to another host it would cross the network in clear.
Checked before any byte is sent (at ``configure`` and in the client).
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from urllib.parse import urlsplit

from .errors import ClientError


class UrlProblem(StrEnum):
    INVALID_URL = "invalid_url"  # not an http(s) address with a host
    INSECURE_URL = "insecure_url"  # plain http:// to another machine


class InsecureUrl(ClientError):
    """The server address is not ``https://`` (or plain HTTP on loopback), or is not an address at all."""


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1 (only these never leave the machine)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_server_url(url: str) -> str:
    """``url`` without its trailing slash, or raise :class:`InsecureUrl` (a :class:`UrlProblem`)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        _ = parts.port  # a malformed port raises here
    except ValueError:
        host, parts = "", urlsplit("")
    if parts.scheme not in ("http", "https") or not host:
        raise InsecureUrl(UrlProblem.INVALID_URL, "not a server address: it must start with https://")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise InsecureUrl(UrlProblem.INSECURE_URL, "plain http:// is refused except on loopback: use https://")
    return url.strip().rstrip("/")
