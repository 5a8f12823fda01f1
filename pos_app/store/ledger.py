"""The ledger table: append and read only. SQLite triggers refuse UPDATE and DELETE as a second guard."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import fields

from ..core.ledger import GENESIS_HASH, ChainReport, LedgerEntry, verify_chain
from .db import Database

_COLUMNS = [f.name for f in fields(LedgerEntry)]
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM ledger"
_INSERT = f"INSERT INTO ledger ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


# Fast verification: SQLite renders each row's canonical JSON itself (json_object with the keys in sorted order,
# json() minifying the stored data text), Python only hashes. A row whose rendering does not reproduce its hash is
# re-checked the exact way (LedgerEntry.computed_hash), so the fast path can only speed up, never wave through.
_CANON_KEYS = sorted(c for c in _COLUMNS if c != "hash")
_CANON_SQL = "json_object(" + ", ".join(
    f"'{c}', " + ("CASE WHEN json_valid(data) THEN json(data) END" if c == "data" else c) for c in _CANON_KEYS) + ")"
_FAST_SELECT = f"SELECT rowid, seq, prev_hash, hash, {_CANON_SQL} FROM ledger ORDER BY rowid"


class _Checked:
    """What verify_chain reads of an entry, with its hash already recomputed."""

    __slots__ = ("_computed", "hash", "prev_hash", "seq")

    def __init__(self, seq: int, prev_hash: str, hash_: str, computed: str) -> None:
        self.seq, self.prev_hash, self.hash, self._computed = seq, prev_hash, hash_, computed

    def computed_hash(self) -> str:
        return self._computed


def _row_to_entry(row: tuple, lenient: bool = False) -> LedgerEntry:
    values = dict(zip(_COLUMNS, row, strict=True))
    try:
        values["data"] = json.loads(values["data"])
    except (TypeError, ValueError):
        if not lenient:
            raise
        # Verification must name a tampered row, not crash on it: the raw text cannot hash like a dict.
    return LedgerEntry(**values)


def _entry_to_row(entry: LedgerEntry) -> tuple:
    return tuple(
        json.dumps(entry.data, sort_keys=True, ensure_ascii=False) if name == "data" else getattr(entry, name)
        for name in _COLUMNS
    )


class LedgerStore:
    """Append-only access to the ledger of one till."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def head_in(conn: sqlite3.Connection) -> tuple[int, str]:
        """(seq, hash) of the last entry, or (0, genesis) for an empty ledger."""
        row = conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)

    def append_in(self, conn: sqlite3.Connection, entry: LedgerEntry) -> LedgerEntry:
        """Seal ``entry`` after the current head and insert it, inside the caller's transaction."""
        seq, prev_hash = self.head_in(conn)
        sealed = entry.sealed(seq + 1, prev_hash)
        conn.execute(_INSERT, _entry_to_row(sealed))
        # Read it back: a value SQLite stores differently (a float or bool in an INTEGER column, an int in a
        # TEXT one, a non-JSON data value) would break the chain for ever, so refuse it while we can roll back.
        row = conn.execute(f"{_SELECT} WHERE seq = ?", (sealed.seq,)).fetchone()
        if _row_to_entry(row).computed_hash() != sealed.hash:
            raise ValueError(f"ledger entry does not survive storage unchanged: {sealed.canonical()}")
        return sealed

    @staticmethod
    def live_redemption_in(conn: sqlite3.Connection, serial: str) -> LedgerEntry | None:
        """This till's redemption of ``serial`` that still holds the voucher (pending or confirmed: not rejected,
        voided or in conflict), if any."""
        row = conn.execute(
            f"{_SELECT} WHERE kind = 'redemption' AND voucher = ? AND seq NOT IN (SELECT ref_seq FROM ledger"
            " WHERE ref_seq IS NOT NULL AND voucher = ? AND kind IN ('void', 'redemption_rejected',"
            " 'redemption_conflict')) ORDER BY seq DESC LIMIT 1", (serial, serial)).fetchone()
        return _row_to_entry(row) if row else None

    def append(self, entry: LedgerEntry) -> LedgerEntry:
        """Append one entry in its own transaction."""
        with self.db.transaction() as conn:
            return self.append_in(conn, entry)

    def head(self) -> tuple[int, str]:
        with self.db.reading() as conn:
            return self.head_in(conn)

    def entries(self, from_seq: int = 1, day: str | None = None) -> Iterator[LedgerEntry]:
        """Entries in ``seq`` order from ``from_seq``, optionally of one business day (YYYY-MM-DD)."""
        sql, args = f"{_SELECT} WHERE seq >= ?", [from_seq]
        if day is not None:
            sql += " AND business_day = ?"
            args.append(day)
        sql += " ORDER BY seq"
        with self.db.reading() as conn:
            rows = conn.execute(sql, args).fetchall()
        return (_row_to_entry(r) for r in rows)

    def iter_all(self, batch: int = 20_000) -> Iterator[LedgerEntry]:
        """Every entry in ``seq`` order, read in batches so a million entries never sit in memory at once."""
        last = 0
        while True:
            with self.db.reading() as conn:
                rows = conn.execute(f"{_SELECT} WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_to_entry(row)
            last = rows[-1][0]

    def iter_raw(self) -> Iterator[LedgerEntry]:
        """Every row in physical order, without trusting ``seq``: what verification must read."""
        with self.db.reading() as conn:
            cursor = conn.execute(f"{_SELECT} ORDER BY rowid")
            while rows := cursor.fetchmany(20_000):
                yield from (_row_to_entry(r, lenient=True) for r in rows)

    def acknowledged_head(self) -> tuple[int, str] | None:
        """The latest head the central API acknowledged, if any."""
        with self.db.reading() as conn:
            row = conn.execute("SELECT seq, hash FROM ledger_acks ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def record_ack(self, seq: int, hash_: str, acked_utc: str) -> None:
        """Remember that the central API acknowledged head (seq, hash)."""
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO ledger_acks(seq, hash, acked_utc) VALUES (?, ?, ?)", (seq, hash_, acked_utc))

    def iter_checked(self) -> Iterator[_Checked]:
        """Every row in physical order with its recomputed hash (fast path, exact fallback)."""
        sha = hashlib.sha256
        with self.db.reading() as conn:
            cursor = conn.execute(_FAST_SELECT)
            while rows := cursor.fetchmany(20_000):
                for rowid, seq, prev_hash, hash_, canon in rows:
                    computed = None
                    if isinstance(prev_hash, str) and isinstance(canon, str):
                        computed = sha((prev_hash + canon).encode("utf-8")).hexdigest()
                    if computed != hash_:
                        entry = _row_to_entry(conn.execute(f"{_SELECT} WHERE rowid = ?", (rowid,)).fetchone(),
                                              lenient=True)
                        try:
                            computed = entry.computed_hash()
                        except (TypeError, ValueError):
                            computed = ""
                    yield _Checked(seq, prev_hash, hash_, computed)

    def verify(self, acknowledged: tuple[int, str] | None = None) -> ChainReport:
        """Verify the whole chain, and that it still holds the acknowledged head."""
        ack = acknowledged if acknowledged is not None else self.acknowledged_head()
        return verify_chain(self.iter_checked(), ack)  # type: ignore[arg-type]
