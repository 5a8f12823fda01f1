"""services/ledger_check.verify_local on the real SQLite file: intact, an entry edited or deleted by someone who
dropped the append-only triggers, an entry no service of this till wrote (no outbox row)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pos_app.services.ledger_check import verify_local
from pos_app.store.db import DB_FILENAME
from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.timeutil import to_utc_text

from .conftest import Shop


def _attacker(home: Path) -> sqlite3.Connection:
    """A raw connection to the till's file, its append-only triggers dropped, as someone editing it would."""
    conn = sqlite3.connect(home / DB_FILENAME, isolation_level=None)
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("DROP TRIGGER ledger_no_delete")
    return conn


def _redeem_three(shop: Shop) -> list[int]:
    return [shop.redeem(code).ledger_seq for code in shop.vouchers(3)]


def test_an_intact_ledger_verifies(shop: Shop) -> None:
    _redeem_three(shop)
    head_seq, head_hash = shop.till.ledger.head()
    verdict = verify_local(shop.till)
    # 3 redemptions and the offline switch written when the first call failed
    assert (verdict.ok, verdict.checked, verdict.head_seq, verdict.head_hash) == (True, 4, head_seq, head_hash)
    assert head_seq == 4 and verdict.bad_seq is None and not verdict.against_server


def test_an_edited_amount_is_found_at_its_entry(shop: Shop) -> None:
    seqs = _redeem_three(shop)
    with _attacker(shop.till.home) as conn:
        conn.execute("UPDATE ledger SET amount_cents = 120 WHERE seq = ?", (seqs[1],))
    conn.close()
    verdict = verify_local(shop.till)
    assert not verdict.ok and verdict.bad_seq == seqs[1]


def test_a_deleted_entry_is_found_missing(shop: Shop) -> None:
    seqs = _redeem_three(shop)
    with _attacker(shop.till.home) as conn:
        conn.execute("DELETE FROM ledger WHERE seq = ?", (seqs[1],))
    conn.close()
    verdict = verify_local(shop.till)
    assert not verdict.ok and verdict.bad_seq == seqs[1] and "missing" in verdict.reason
    assert verdict.checked == seqs[1] - 1  # the entries before it still verify


def test_a_redemption_without_its_outbox_row_was_not_written_by_this_till(shop: Shop) -> None:
    _redeem_three(shop)
    forged = shop.till.ledger.append(LedgerEntry(
        seq=0, ts_utc=to_utc_text(shop.clock()), business_day="2026-11-23", kind=EntryKind.REDEMPTION,
        till_id="M0001/1", cashier="", voucher="000000000017", campaign_id="BOOST24", amount_cents=1200,
        mode="offline", idempotency_key="f" * 32, data={}))
    verdict = verify_local(shop.till)
    assert not verdict.ok and verdict.bad_seq == forged.seq and "outbox" in verdict.reason
