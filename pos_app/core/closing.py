"""A closing as the books read it (day, month or year; its totals as closed), shared by the store and reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ClosingKind(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Closing:
    """A closing: its kind, ``period`` YYYY-MM-DD | YYYY-MM | YYYY; totals as closed."""

    kind: ClosingKind
    period: str
    ledger_seq: int
    created_utc: str
    totals: dict[str, Any]
    hash: str = ""  # the CLOSING ledger entry's hash (filled by readers that join the ledger)
