"""The transactional outbox: what the till owes the central API, in order, with its idempotency key.

States: pending (to send), done (the API took it), rejected (refused online, nothing to send),
conflict (refused at upload: kept for ever), cancelled (voided before upload, never to be sent).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from voucher_core.timeutil import to_utc_text, utc_now

from .db import Database


class OutboxState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    CANCELLED = "cancelled"
    VERIFY = "verify"  # refused offline after a request that may have landed: the sync asks the server again


class OutboxKind(StrEnum):
    REDEEM = "redeem"
    VOID = "void"
    ACTIVATE = "activate"
    SALE_VOID = "sale_void"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    idempotency_key: str
    kind: OutboxKind
    serial: str | None
    payload: dict[str, Any]
    state: OutboxState
    attempts: int
    ledger_seq: int | None
    result: dict[str, Any] | None


_COLS = "id, idempotency_key, kind, serial, payload, state, attempts, ledger_seq, result"


def _row(r: tuple[Any, ...]) -> OutboxRow:
    return OutboxRow(r[0], r[1], OutboxKind(r[2]), r[3], json.loads(r[4]), OutboxState(r[5]), r[6], r[7],
                     json.loads(r[8]) if r[8] else None)


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def insert_in(conn: sqlite3.Connection, key: str, kind: OutboxKind, serial: str | None, payload: dict[str, Any],
                  ledger_seq: int | None, state: OutboxState = OutboxState.PENDING) -> int:
        cur = conn.execute("INSERT INTO outbox(idempotency_key, kind, serial, payload, created_utc, state, ledger_seq)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (key, kind, serial, json.dumps(payload, sort_keys=True), to_utc_text(utc_now()), state,
                            ledger_seq))
        assert cur.lastrowid is not None  # an INSERT always sets it
        return cur.lastrowid

    @staticmethod
    def set_state_in(conn: sqlite3.Connection, row_id: int, state: OutboxState, result: dict[str, Any] | None = None,
                     error: str | None = None) -> None:
        conn.execute("UPDATE outbox SET state = ?, result = COALESCE(?, result), last_error = ? WHERE id = ?",
                     (state, json.dumps(result, sort_keys=True) if result is not None else None, error, row_id))

    @staticmethod
    def set_payload_in(conn: sqlite3.Connection, row_id: int, payload: dict[str, Any]) -> None:
        conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (json.dumps(payload, sort_keys=True), row_id))

    @staticmethod
    def id_for_ledger_seq_in(conn: sqlite3.Connection, seq: int) -> int | None:
        """The id of the row written with the ledger entry ``seq``, if any."""
        row = conn.execute("SELECT id FROM outbox WHERE ledger_seq = ?", (seq,)).fetchone()
        return int(row[0]) if row else None

    @staticmethod
    def payload_in(conn: sqlite3.Connection, row_id: int) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(conn.execute("SELECT payload FROM outbox WHERE id = ?",
                                                          (row_id,)).fetchone()[0])
        return payload

    def note_attempt(self, row_id: int, error: str | None) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", (error, row_id))

    def pending(self) -> list[OutboxRow]:
        with self.db.reading() as conn:
            sql = f"SELECT {_COLS} FROM outbox WHERE state = '{OutboxState.PENDING}' ORDER BY id"
            rows = conn.execute(sql).fetchall()
        return [_row(r) for r in rows]

    def by_key(self, key: str) -> OutboxRow | None:
        with self.db.reading() as conn:
            r = conn.execute(f"SELECT {_COLS} FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()
        return _row(r) if r else None

    def by_ledger_seq(self, seq: int) -> OutboxRow | None:
        with self.db.reading() as conn:
            r = conn.execute(f"SELECT {_COLS} FROM outbox WHERE ledger_seq = ?", (seq,)).fetchone()
        return _row(r) if r else None

    def count_pending(self) -> int:
        with self.db.reading() as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM outbox WHERE state = '{OutboxState.PENDING}'").fetchone()[0])

    def all(self) -> list[OutboxRow]:
        with self.db.reading() as conn:
            return [_row(r) for r in conn.execute(f"SELECT {_COLS} FROM outbox ORDER BY id").fetchall()]
