"""The ledger table: append and read only. SQLite triggers refuse UPDATE and DELETE as a second guard."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from voucher_core.ledger import GENESIS_HASH, ChainReport, EntryKind, LedgerEntry, verify_chain
from voucher_core.verdicts import Mode

from .db import Database

_K = EntryKind  # the kinds' values are spelled into the SQL text: the same statements as literal strings

_COLUMNS = [f.name for f in fields(LedgerEntry)]
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM ledger"
# the openings' data (client_time) is not needed by the day book: skip parsing it on big days
_SELECT_NO_DATA = _SELECT.replace(" data,", " '{}' AS data,", 1)
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


OPENING_KINDS = (EntryKind.REDEMPTION.value, EntryKind.SALE.value)
FOLLOWUP_KINDS = tuple(k.value for k in (
    EntryKind.REDEMPTION_CONFIRMED, EntryKind.REDEMPTION_REJECTED, EntryKind.REDEMPTION_CONFLICT, EntryKind.VOID,
    EntryKind.SALE_CONFIRMED, EntryKind.SALE_REJECTED, EntryKind.SALE_CONFLICT, EntryKind.SALE_VOID,
    EntryKind.OFFLINE_SWITCH))
_FOLLOW_MARKS = ",".join("?" * len(FOLLOWUP_KINDS))


def _row_to_entry(row: tuple[Any, ...], lenient: bool = False) -> LedgerEntry:
    values = dict(zip(_COLUMNS, row, strict=True))
    try:
        values["data"] = json.loads(values["data"])
    except (TypeError, ValueError):
        if not lenient:
            raise
        # Verification must name a tampered row, not crash on it: the raw text cannot hash like a dict.
    return LedgerEntry(**values)


def _entry_to_row(entry: LedgerEntry) -> tuple[Any, ...]:
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
            f"{_SELECT} WHERE kind = '{_K.REDEMPTION}' AND voucher = ? AND seq NOT IN (SELECT ref_seq FROM ledger"
            f" WHERE ref_seq IS NOT NULL AND voucher = ? AND kind IN ('{_K.VOID}', '{_K.REDEMPTION_REJECTED}',"
            f" '{_K.REDEMPTION_CONFLICT}')) ORDER BY seq DESC LIMIT 1", (serial, serial)).fetchone()
        return _row_to_entry(row) if row else None
    @staticmethod
    def has_ref_in(conn: sqlite3.Connection, kind: str, ref_seq: int | None) -> bool:
        """Whether an entry of ``kind`` refers to entry ``ref_seq`` (a confirmation, a void...)."""
        row = conn.execute("SELECT 1 FROM ledger WHERE kind = ? AND ref_seq = ?", (kind, ref_seq)).fetchone()
        return row is not None

    @staticmethod
    def at_seq_in(conn: sqlite3.Connection, seq: int) -> LedgerEntry | None:
        row = conn.execute(f"{_SELECT} WHERE seq = ?", (seq,)).fetchone()
        return _row_to_entry(row) if row else None

    @staticmethod
    def last_live_in(conn: sqlite3.Connection, kind: str, settled_by: tuple[str, ...]) -> LedgerEntry | None:
        """The last entry of ``kind`` that no entry of ``settled_by`` refers to (e.g. the last sale not voided)."""
        marks = ",".join("?" * len(settled_by))
        sql = (f"{_SELECT} WHERE kind = ? AND seq NOT IN (SELECT ref_seq FROM ledger WHERE ref_seq IS NOT NULL"
               f" AND kind IN ({marks})) ORDER BY seq DESC LIMIT 1")
        row = conn.execute(sql, (kind, *settled_by)).fetchone()
        return _row_to_entry(row) if row else None

    @staticmethod
    def offline_redeemed_cents_in(conn: sqlite3.Connection, day: str) -> int:
        """Face value accepted offline on ``day`` (pending or confirmed; not rejected, conflicting or voided)."""
        return int(conn.execute(
            f"SELECT COALESCE(SUM(r.amount_cents), 0) FROM ledger r WHERE r.kind = '{_K.REDEMPTION}'"
            f" AND r.business_day = ? AND (r.mode = '{Mode.OFFLINE}' OR r.seq IN"
            f" (SELECT ref_seq FROM ledger WHERE kind = '{_K.OFFLINE_SWITCH}' AND ref_seq IS NOT NULL))"
            " AND r.seq NOT IN (SELECT ref_seq FROM ledger WHERE ref_seq IS NOT NULL AND kind IN"
            f" ('{_K.REDEMPTION_REJECTED}', '{_K.REDEMPTION_CONFLICT}', '{_K.VOID}'))", (day,)).fetchone()[0])

    # --- named reads of the books (inside the caller's transaction or read) ----------------------------------

    @staticmethod
    def openings_in(conn: sqlite3.Connection, days: Iterable[str], upto_seq: int | None = None) -> list[LedgerEntry]:
        """Redemptions and sales stamped with one of ``days`` (without their data), in seq order."""
        wanted = list(days)
        sql = (f"{_SELECT_NO_DATA} WHERE business_day IN ({','.join('?' * len(wanted))}) AND kind IN (?, ?)"
               " AND seq <= ? ORDER BY seq")
        rows = conn.execute(sql, [*wanted, *OPENING_KINDS, upto_seq if upto_seq is not None else 2**62])
        return [_row_to_entry(r) for r in rows]

    @staticmethod
    def openings_by_seq_in(conn: sqlite3.Connection, seqs: Iterable[int]) -> list[LedgerEntry]:
        """The redemptions and sales at these seqs (without their data), in seq order."""
        out: list[LedgerEntry] = []
        for seq in sorted(set(seqs)):
            row = conn.execute(f"{_SELECT_NO_DATA} WHERE seq = ? AND kind IN (?, ?)", (seq, *OPENING_KINDS)).fetchone()
            if row:
                out.append(_row_to_entry(row))
        return out

    @staticmethod
    def followups_in(conn: sqlite3.Connection, after_seq: int, upto_seq: int | None = None,
                     refs: set[int] | None = None) -> list[LedgerEntry]:
        """Confirmations, refusals, conflicts, voids and offline switches after ``after_seq`` (up to
        ``upto_seq``), optionally only those referring to ``refs``, in seq order."""
        rows = conn.execute(f"{_SELECT} WHERE seq > ? AND seq <= ? AND kind IN ({_FOLLOW_MARKS}) ORDER BY seq",
                            (after_seq, upto_seq if upto_seq is not None else 2**62, *FOLLOWUP_KINDS))
        found = (_row_to_entry(r) for r in rows)
        return [e for e in found if refs is None or e.ref_seq in refs]

    @staticmethod
    def opening_days_in(conn: sqlite3.Connection, *, after: str | None = None, before: str | None = None,
                        prefix: str | None = None) -> list[tuple[str, int]]:
        """(business_day, seq) of the redemptions and sales stamped between two days or within a period prefix."""
        sql, args = "SELECT business_day, seq FROM ledger WHERE kind IN (?, ?)", list(OPENING_KINDS)
        for op, bound in ((">", after), ("<", before)):
            if bound is not None:
                sql += f" AND business_day {op} ?"
                args.append(bound)
        if prefix is not None:
            sql += " AND business_day LIKE ?"
            args.append(prefix + "%")
        return [(str(d), int(s)) for d, s in conn.execute(sql, args)]

    @staticmethod
    def span_of_days_in(conn: sqlite3.Connection, first_day: str, last_day: str) -> list[LedgerEntry]:
        """The contiguous run of entries from the first to the last one stamped within [first_day, last_day]."""
        first, last = conn.execute("SELECT MIN(seq), MAX(seq) FROM ledger WHERE business_day BETWEEN ? AND ?",
                                   (first_day, last_day)).fetchone()
        if first is None:
            return []
        return [_row_to_entry(r) for r in conn.execute(f"{_SELECT} WHERE seq BETWEEN ? AND ? ORDER BY seq",
                                                        (first, last))]

    @staticmethod
    def of_kind_in(conn: sqlite3.Connection, kind: str) -> list[LedgerEntry]:
        """Every entry of one kind, read leniently (a tampered data text is kept raw for the verifier)."""
        return [_row_to_entry(r, lenient=True)
                for r in conn.execute(f"{_SELECT} WHERE kind = ? ORDER BY seq", (kind,))]

    def append(self, entry: LedgerEntry) -> LedgerEntry:
        """Append one entry in its own transaction."""
        with self.db.transaction() as conn:
            return self.append_in(conn, entry)

    def head(self) -> tuple[int, str]:
        with self.db.reading() as conn:
            return self.head_in(conn)

    def entries(self, from_seq: int = 1, day: str | None = None) -> Iterator[LedgerEntry]:
        """Entries in ``seq`` order from ``from_seq``, optionally of one business day (YYYY-MM-DD)."""
        sql = f"{_SELECT} WHERE seq >= ?"
        args: list[Any] = [from_seq]
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

    def links_after(self, seq: int, limit: int = 5000) -> list[dict[str, Any]]:
        """What the central API keeps of entries after ``seq`` (in order): their place in the chain, and for a
        confirmed redemption the server's id and the amount."""
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT seq, prev_hash, hash, kind, CASE WHEN json_valid(data) THEN"
                " json_extract(data, '$.redemption_id') END, amount_cents FROM ledger WHERE seq > ?"
                " ORDER BY seq LIMIT ?", (seq, limit)).fetchall()
        out: list[dict[str, Any]] = []
        for seq_, prev, hash_, kind, rid, amount in rows:
            link: dict[str, Any] = {"seq": seq_, "prev_hash": prev, "hash": hash_}
            if kind == "redemption_confirmed" and isinstance(rid, int):
                link |= {"kind": kind, "server_id": rid, "amount_cents": amount}
            out.append(link)
        return out

    def unbacked_openings(self) -> list[int]:
        """Redemptions and sales without the outbox row written in the same transaction (a forged entry appended
        to the file), and confirmations that name no redemption the API answered: their ``seq``s."""
        with self.db.reading() as conn:
            rows = conn.execute(
                "SELECT l.seq FROM ledger l WHERE l.kind IN ('redemption', 'sale') AND NOT EXISTS (SELECT 1 FROM"
                " outbox o WHERE o.ledger_seq = l.seq AND o.idempotency_key = l.idempotency_key)"
                " UNION SELECT l.seq FROM ledger l WHERE l.kind = 'redemption_confirmed' AND NOT EXISTS (SELECT 1"
                " FROM outbox o WHERE o.ledger_seq = l.ref_seq AND json_valid(o.result) AND json_valid(l.data) AND"
                " json_extract(o.result, '$.redemption_id') = json_extract(l.data, '$.redemption_id'))"
                " ORDER BY 1").fetchall()
        return [int(r[0]) for r in rows]

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
                    yield _Checked(seq, prev_hash, hash_, computed or "")

    def verify(self, acknowledged: tuple[int, str] | None = None) -> ChainReport:
        """Verify the whole chain, and that it still holds the acknowledged head."""
        ack = acknowledged if acknowledged is not None else self.acknowledged_head()
        return verify_chain(self.iter_checked(), ack)  # type: ignore[arg-type]
