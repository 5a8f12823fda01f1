"""The fast verify path (SQLite renders the canonical JSON) agrees with the exact one, on odd data and tampering."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pos_app.store import open_home
from pos_app.store.ledger import LedgerStore
from voucher_core.ledger import LedgerEntry, verify_chain

ODD = [{"a": "é\"\\\n\t\x01\x7f\u2028😀", "b": [1, 2.5, True, None, {"z": 1, "a": -3}], "c": 1e20, "d": 0.1,
        "e": 12345678901234567890}, {}, {"x": "plain"}, {"f": 1.0, "g": -0.0}, {"k": "€" * 50}]


def build(home: Path) -> None:
    db = open_home(home)
    store = LedgerStore(db)
    for i, data in enumerate(ODD * 3):
        store.append(LedgerEntry(seq=0, ts_utc="2026-11-23T10:00:00.000000Z", business_day="2026-11-23",
                                 kind="config_change", till_id='t"1', cashier="Zoé ☕", voucher=f"{i:012d}",
                                 amount_cents=i, data=data))
    db.close()


@pytest.mark.parametrize("sql", [
    None,
    "UPDATE ledger SET data = '{\"x\": \"plain\", \"y\": 1}' WHERE seq = 3",
    "UPDATE ledger SET data = '{\"g\": -0.0, \"f\": 1.0}' WHERE seq = 4",  # same content, keys reordered
    "UPDATE ledger SET data = 'not json' WHERE seq = 5",
    "UPDATE ledger SET cashier = 'Zoe' WHERE seq = 7",
    "UPDATE ledger SET amount_cents = '70' WHERE seq = 8",
    "UPDATE ledger SET voucher = NULL WHERE seq = 9",
    "DELETE FROM ledger WHERE seq = 10",
])
def test_fast_equals_exact(tmp_path: Path, sql: str | None) -> None:
    build(tmp_path)
    if sql:
        conn = sqlite3.connect(tmp_path / "till.sqlite3")
        conn.executescript("DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;")
        conn.execute(sql)
        conn.commit()
        conn.close()
    db = open_home(tmp_path)
    store = LedgerStore(db)
    fast, exact = store.verify(), verify_chain(store.iter_raw())
    db.close()
    assert fast == exact
    assert fast.ok == (sql is None or "-0.0" in sql)  # reordered keys: same content, same canonical form
