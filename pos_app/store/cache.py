"""The till's offline cache: campaigns with their public keys, and one row per voucher (fed by /changes)."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from voucher_core.campaigns import Campaign, VoucherState
from voucher_core.ledger import EntryKind
from voucher_core.timeutil import to_utc_text, utc_now

from .db import Database
from .outbox import OutboxKind, OutboxState

_S = VoucherState  # the states' values are spelled into the SQL text: the same statements as literal strings


@dataclass(frozen=True, slots=True)
class CachedVoucher:
    serial: str
    campaign_id: str
    state: VoucherState
    redeemed_at: str | None
    redeemed_by: str | None
    sold_here: bool
    paid_cents: int | None = None  # what its buyer paid (the change feed's; None: the campaign's sale price)


class CacheStore:
    """Read and refresh the offline cache. Campaigns are kept in memory too: a verdict is one indexed read."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._campaigns: dict[str, Campaign] | None = None

    # --- campaigns ---------------------------------------------------------------------------------------

    def replace_campaigns(self, items: Iterable[dict[str, Any]]) -> int:
        """Store the campaigns of ``GET /campaigns`` (and their keys), replacing the previous list."""
        now = to_utc_text(utc_now())
        items = list(items)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM campaign_keys")
            conn.execute("DELETE FROM campaigns")
            for c in items:
                conn.execute(
                    "INSERT INTO campaigns(id, name, face_value_cents, sale_price_cents, valid_from, valid_until,"
                    " merchant_ids, updated_utc, topup_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (c["id"], c["name"], int(c["face_value_cents"]), int(c["sale_price_cents"]), c["valid_from"],
                     c["valid_until"], json.dumps(sorted(c.get("merchant_ids", []))), now, c.get("topup_until")))
                for k in c.get("keys", []):
                    conn.execute("INSERT INTO campaign_keys(campaign_id, key_id, public_key) VALUES (?, ?, ?)",
                                  (c["id"], k["key_id"], base64.b64decode(k["public_key"])))
        self._campaigns = None
        return len(items)

    def campaigns(self) -> dict[str, Campaign]:
        if self._campaigns is None:
            with self.db.reading() as conn:
                rows = conn.execute("SELECT id, name, face_value_cents, sale_price_cents, valid_from, valid_until,"
                                    " merchant_ids, topup_until FROM campaigns").fetchall()
                keys = conn.execute("SELECT campaign_id, key_id, public_key FROM campaign_keys").fetchall()
            out = {}
            for cid, name, face, price, vf, vu, mids, topup_until in rows:
                out[cid] = Campaign(cid, name, face, price, date.fromisoformat(vf), date.fromisoformat(vu),
                                    frozenset(json.loads(mids)),
                                    {kid: bytes(pk) for c2, kid, pk in keys if c2 == cid},
                                    date.fromisoformat(topup_until) if topup_until else None)
            self._campaigns = out
        return self._campaigns

    def campaign(self, campaign_id: str | None) -> Campaign | None:
        return self.campaigns().get(campaign_id) if campaign_id else None

    # --- vouchers ----------------------------------------------------------------------------------------

    def voucher(self, serial: str) -> CachedVoucher | None:
        with self.db.reading() as conn:
            row = conn.execute("SELECT serial, campaign_id, state, redeemed_at, redeemed_by, sold_here, paid_cents"
                               " FROM vouchers WHERE serial = ?", (serial,)).fetchone()
        if row is None:
            return None
        try:
            state = VoucherState(row[2])
        except ValueError:
            return None
        return CachedVoucher(row[0], row[1], state, row[3], row[4], bool(row[5]), row[6])

    def apply_changes(self, changes: list[dict[str, Any]], conn: sqlite3.Connection | None = None) -> int:
        """Upsert voucher states from ``/changes``. A local 'sold here' mark survives until the server agrees."""
        rows = [(c["serial"], c["campaign_id"], c["state"], c.get("redeemed_at"), c.get("redeemed_by"),
                 c.get("paid_cents")) for c in changes]
        sql = ("INSERT INTO vouchers(serial, campaign_id, state, redeemed_at, redeemed_by, paid_cents)"
               " VALUES (?, ?, ?, ?, ?, ?)"
               " ON CONFLICT(serial) DO UPDATE SET campaign_id = excluded.campaign_id, state = excluded.state,"
               " redeemed_at = excluded.redeemed_at, redeemed_by = excluded.redeemed_by,"
               " paid_cents = excluded.paid_cents,"
               f" sold_here = CASE WHEN excluded.state = '{_S.ISSUED}' THEN sold_here ELSE 0 END")
        if conn is not None:
            conn.executemany(sql, rows)
        else:
            with self.db.transaction() as c2:
                c2.executemany(sql, rows)
        return len(rows)

    @staticmethod
    def mark_redeemed_in(conn: sqlite3.Connection, serial: str, campaign_id: str | None, at: str, by: str) -> None:
        """Remember locally that this till took the voucher (a second scan here says already_redeemed)."""
        conn.execute("INSERT INTO vouchers(serial, campaign_id, state, redeemed_at, redeemed_by)"
                     f" VALUES (?, ?, '{_S.REDEEMED}', ?, ?) ON CONFLICT(serial) DO UPDATE SET state = '{_S.REDEEMED}',"
                     " redeemed_at = excluded.redeemed_at, redeemed_by = excluded.redeemed_by",
                     (serial, campaign_id or "", at, by))

    @staticmethod
    def set_redeemed_in(conn: sqlite3.Connection, serial: str | None, at: str | None, by: str | None) -> None:
        """The server says the voucher is already redeemed (when, where): the cache says so too."""
        conn.execute(f"UPDATE vouchers SET state = '{_S.REDEEMED}', redeemed_at = ?, redeemed_by = ?"
                     " WHERE serial = ?", (at, by, serial))

    @staticmethod
    def keep_pending_redeemed_in(conn: sqlite3.Connection) -> None:
        """What this till took but the server does not know yet (pending, not voided) stays taken locally."""
        conn.execute(f"UPDATE vouchers SET state = '{_S.REDEEMED}' WHERE serial IN (SELECT serial FROM outbox"
                     f" WHERE kind = '{OutboxKind.REDEEM}' AND state = '{OutboxState.PENDING}')"
                     f" AND serial NOT IN (SELECT voucher FROM ledger WHERE kind = '{EntryKind.VOID}'"
                     " AND voucher IS NOT NULL)")

    @staticmethod
    def mark_active_in(conn: sqlite3.Connection, serial: str) -> None:
        """Undo a local 'redeemed' mark after a void."""
        conn.execute(f"UPDATE vouchers SET state = '{_S.ACTIVE}', redeemed_at = NULL, redeemed_by = NULL"
                     " WHERE serial = ?", (serial,))

    @staticmethod
    def mark_sold_here_in(conn: sqlite3.Connection, serial: str, campaign_id: str | None, active: bool) -> None:
        """A sale at this till: 'sold here' (offline: not yet active centrally, still issued)."""
        state = _S.ACTIVE if active else _S.ISSUED
        conn.execute("INSERT INTO vouchers(serial, campaign_id, state, sold_here) VALUES (?, ?, ?, 1)"
                     " ON CONFLICT(serial) DO UPDATE SET sold_here = 1, state = excluded.state",
                     (serial, campaign_id or "", state))

    @staticmethod
    def unmark_sold_in(conn: sqlite3.Connection, serial: str) -> None:
        conn.execute(f"UPDATE vouchers SET sold_here = 0, state = '{_S.ISSUED}' WHERE serial = ?", (serial,))

    def count(self) -> int:
        with self.db.reading() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM vouchers").fetchone()[0])
