"""What the till's use cases (redemptions, sales, sync, ledger checks) need from the till that composes them.

They depend on :class:`TillContext`, never on ``services.till``: ``Till`` builds them and satisfies the
Protocol, so the imports run one way only (till -> use cases -> context).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from voucher_core.ledger import EntryKind, LedgerEntry

from ..api.client import ApiClient
from ..api.tokens import TokenProvider
from ..store.cache import CacheStore
from ..store.db import Connection, Database
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxStore
from ..store.settings import Settings
from .network import NetworkState, TillIdentity
from .policy import OfflinePolicy


class ConfigProblem(StrEnum):
    """Why the till cannot work or be configured (stable codes; the UI and the CLI have the words)."""

    NOT_CONFIGURED = "not_configured"
    NO_TOKEN = "no_token"
    EMPTY_TOKEN = "empty_token"
    BAD_URL = "bad_server_url"
    TOKEN_REFUSED = "token_refused"  # error: the server's code
    SERVER_UNREACHABLE = "server_unreachable"  # error: the API client's code


class ConfigError(RuntimeError):
    """The till is not configured (no server URL or no token), or configuring failed: ``code`` says which
    (a ``ConfigProblem``, or the API's ``insecure_url`` / ``invalid_url``); ``error`` is the server's code."""

    def __init__(self, code: str, error: str | None = None) -> None:
        super().__init__(f"{code}: {error}" if error else str(code))
        self.code = code
        self.error = error


def new_key() -> str:
    """A fresh idempotency key (32 hex characters, in the API's alphabet)."""
    return uuid.uuid4().hex


def test_pause(name: str) -> None:
    """Test hook: ``POS_APP_TEST_PAUSE_AFTER_SEND=<seconds>`` sleeps between the server's answer and the local
    commit, so a test can kill -9 the till there. Never set in production."""
    value = os.environ.get(name)
    if value:
        time.sleep(float(value))


class TillContext(Protocol):
    """The till as its use cases see it: store, API, clock, identity, policy and network state."""

    db: Database
    tokens: TokenProvider
    clock: Callable[[], datetime]
    settings: Settings
    ledger: LedgerStore
    cache: CacheStore
    outbox: OutboxStore
    network: NetworkState

    @property
    def api(self) -> ApiClient: ...

    @property
    def configured(self) -> bool: ...

    @property
    def identity(self) -> TillIdentity: ...

    def entry(self, kind: EntryKind, moment: datetime | None = None, **fields: Any) -> LedgerEntry: ...

    def open_day(self, moment: datetime | None = None) -> str: ...

    def store_me(self, me: dict[str, Any]) -> None: ...

    def policy(self) -> OfflinePolicy: ...

    def cache_age_s(self) -> float | None: ...

    def today_offline_cents(self, conn: Connection | None = None) -> int: ...


__all__ = ["ConfigError", "ConfigProblem", "TillContext", "new_key", "test_pause"]
