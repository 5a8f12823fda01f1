"""Errors of the API client: a stable ``code`` (the API's own, or a :class:`ClientCode`) that the UI and the CLI
turn into words, and a message for developers and logs (the server's, or English). Never the token."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ClientCode(StrEnum):
    """The codes the till gives an error itself; the server's own codes pass through as it sends them."""

    NO_TOKEN = "no_token"
    BAD_RESPONSE = "bad_response"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    TLS = "tls"
    NETWORK = "network"
    ORDER = "order"  # the sync: a void waits until what it voids has been sent


class ApiError(Exception):
    """Base of every API client error: ``code`` is the API's stable error code (or a client one)."""

    def __init__(self, code: str, message: str, status: int | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}


class Unavailable(ApiError):
    """No usable answer: timeout, connection failure or reset, 5xx, 429. The till may decide offline."""


class AuthError(ApiError):
    """401/403: the token is wrong, revoked or lacks the role. Offline acceptance stops until reconfigured."""


class Refusal(ApiError):
    """The API's verdict on a voucher or a void (400 malformed, 404 unknown / not_found, 409 verdicts)."""


class ClientError(ApiError):
    """A request the API refuses as wrong (422 and other 4xx): a bug or a misconfiguration, not a verdict."""
