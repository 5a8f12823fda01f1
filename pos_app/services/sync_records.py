"""What a sync pass reports (progress, outcome) and the till's status line: plain records for the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from voucher_core.verdicts import Mode


class SyncPhase(StrEnum):
    PUSH = "push"
    PULL = "pull"
    HEAD = "head"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class SyncProgress:
    phase: SyncPhase
    items_done: int
    items_total: int | None
    bytes: int  # received during this pass so far


class SyncStage(StrEnum):
    """Where a sync pass failed: the pass as a whole (the network, the token, the API) or one step of it."""

    AUTH = "auth"  # the server refused the token
    UNAVAILABLE = "unavailable"  # no usable answer in time: the loop backs off
    API = "api"  # any other error of the API client
    VERIFY_VOID = "verify_void"  # taking back upstream a redemption the till had refused offline
    VOID = "void"  # a redemption's void refused upstream
    SALE_VOID = "sale_void"  # a sale's void refused upstream
    LEDGER = "ledger"  # the server's copy of the chain does not continue into this file
    LOCAL = "local"  # an error of this machine (storage), named by its exception class


@dataclass(frozen=True, slots=True)
class SyncError:
    """One error of a sync pass: its stage, the stable code (the API's, or an exception's name for LOCAL) and,
    for a ledger refusal, the seq the server names."""

    stage: SyncStage
    code: str
    seq: int | None = None

    def text(self) -> str:
        """``stage:code`` (``ledger:code:seq``): the CLI's JSON spelling."""
        tail = f":{self.seq}" if self.stage is SyncStage.LEDGER else ""
        return f"{self.stage}:{self.code}{tail}"


@dataclass(slots=True)
class SyncReport:
    pushed: int = 0
    conflicts: int = 0
    pulled: int = 0
    bytes: int = 0
    errors: list[SyncError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    head_acked: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unavailable(self) -> bool:
        """The server could not be reached or did not answer in time (the loop backs off)."""
        return any(e.stage is SyncStage.UNAVAILABLE for e in self.errors)

    def as_dict(self) -> dict[str, Any]:
        return {"pushed": self.pushed, "conflicts": self.conflicts, "pulled": self.pulled, "bytes": self.bytes,
                "errors": [e.text() for e in self.errors], "warnings": list(self.warnings),
                "head_acked": self.head_acked}


@dataclass(frozen=True, slots=True)
class TillStatus:
    mode: Mode
    cache_age_s: float | None
    outbox_count: int
    last_sync_utc: str | None
    offline_allowed: bool
    merchant_name: str
    roles: list[str]
    auth_blocked: str | None
    cached_vouchers: int
