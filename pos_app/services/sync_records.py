"""What a sync pass reports (progress, outcome) and the till's status line: plain records for the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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


@dataclass(slots=True)
class SyncReport:
    pushed: int = 0
    conflicts: int = 0
    pulled: int = 0
    bytes: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    head_acked: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {"pushed": self.pushed, "conflicts": self.conflicts, "pulled": self.pulled, "bytes": self.bytes,
                "errors": list(self.errors), "warnings": list(self.warnings), "head_acked": self.head_acked}


@dataclass(frozen=True, slots=True)
class TillStatus:
    mode: str
    cache_age_s: float | None
    outbox_count: int
    last_sync_utc: str | None
    offline_allowed: bool
    merchant_name: str
    roles: list[str]
    auth_blocked: str | None
    cached_vouchers: int
