"""Errors of the API client. Messages are French and never carry the token."""

from __future__ import annotations

from typing import Any


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
