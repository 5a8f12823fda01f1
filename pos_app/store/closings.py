"""The closings table: one row per day/month/year closing, pointing at its CLOSING ledger entry.

Triggers refuse UPDATE and DELETE; UNIQUE(kind, period) refuses a second closing of a period.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..core.closing import Closing, ClosingKind
from .db import Database

__all__ = ["Closing", "ClosingKind", "ClosingStore"]


_SELECT = ("SELECT c.kind, c.period, c.ledger_seq, c.created_utc, c.totals, COALESCE(l.hash, '') "
           "FROM closings c LEFT JOIN ledger l ON l.seq = c.ledger_seq")


def _row(row: tuple[Any, ...]) -> Closing:
    return Closing(ClosingKind(row[0]), row[1], row[2], row[3], json.loads(row[4]), row[5])


class ClosingStore:
    """Read and insert closings (never update or delete)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def insert_in(conn: sqlite3.Connection, closing: Closing) -> None:
        """Insert inside the caller's transaction (with its CLOSING ledger entry)."""
        conn.execute("INSERT INTO closings(kind, period, ledger_seq, created_utc, totals) VALUES (?, ?, ?, ?, ?)",
                     (closing.kind, closing.period, closing.ledger_seq, closing.created_utc,
                      json.dumps(closing.totals, sort_keys=True, ensure_ascii=False)))

    @staticmethod
    def get_in(conn: sqlite3.Connection, kind: ClosingKind, period: str) -> Closing | None:
        row = conn.execute(f"{_SELECT} WHERE c.kind = ? AND c.period = ?", (kind, period)).fetchone()
        return _row(row) if row else None

    @staticmethod
    def all_in(conn: sqlite3.Connection, kind: ClosingKind | None = None) -> list[Closing]:
        if kind is None:
            rows = conn.execute(f"{_SELECT} ORDER BY c.ledger_seq").fetchall()
        else:
            rows = conn.execute(f"{_SELECT} WHERE c.kind = ? ORDER BY c.ledger_seq", (kind,)).fetchall()
        return [_row(r) for r in rows]

    @staticmethod
    def day_seqs_in(conn: sqlite3.Connection) -> dict[str, int]:
        """day -> seq of its CLOSING entry, for :func:`pos_app.core.daybook.assigned_day`."""
        rows = conn.execute(f"SELECT period, ledger_seq FROM closings WHERE kind = '{ClosingKind.DAY}'").fetchall()
        return dict(rows)

    def get(self, kind: ClosingKind, period: str) -> Closing | None:
        with self.db.reading() as conn:
            return self.get_in(conn, kind, period)

    def all(self, kind: ClosingKind | None = None) -> list[Closing]:
        with self.db.reading() as conn:
            return self.all_in(conn, kind)

    def day_seqs(self) -> dict[str, int]:
        with self.db.reading() as conn:
            return self.day_seqs_in(conn)
