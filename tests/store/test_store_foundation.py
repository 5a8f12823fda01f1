"""The till's SQLite file, for real: PRAGMAs, append-only ledger, tampering caught by the CLI, migrations, full disk."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pos_app.store import Database, StoreError, open_home
from pos_app.store.db import DB_FILENAME, MIGRATIONS, SCHEMA_VERSION, StoreProblem
from pos_app.store.ledger import LedgerStore
from pos_app.store.settings import Settings, UiSetting
from voucher_core.ledger import LedgerEntry

REPO = Path(__file__).resolve().parents[2]
LEDGER_COLUMNS = ["seq", "ts_utc", "business_day", "kind", "till_id", "cashier", "voucher", "campaign_id",
                  "amount_cents", "price_cents", "topup_cents", "mode", "idempotency_key", "ref_seq", "data",
                  "prev_hash", "hash"]


def _entry(i: int) -> LedgerEntry:
    return LedgerEntry(seq=0, ts_utc=f"2026-11-23T14:00:{i % 60:02d}.000000Z", business_day="2026-11-23",
                       kind="redemption", till_id="T1", cashier="Léa", voucher=f"{i:012d}", campaign_id="BOOST24",
                       amount_cents=1200, mode="online", idempotency_key=f"key-{i:08d}", ref_seq=None,
                       data={"client_time": f"t{i}"})


def _home_with_ledger(tmp_path: Path, n: int = 6) -> tuple[Path, list[LedgerEntry]]:
    home = tmp_path / "home"
    db = open_home(home)
    store = LedgerStore(db)
    entries = [store.append(_entry(i)) for i in range(1, n + 1)]
    db.close()
    return home, entries


def _attacker(home: Path) -> sqlite3.Connection:
    """A raw connection that drops the append-only triggers first, as someone editing the file would."""
    conn = sqlite3.connect(home / DB_FILENAME, isolation_level=None)
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("DROP TRIGGER ledger_no_delete")
    return conn


def _verify_cli(home: Path) -> subprocess.CompletedProcess[str]:
    """The real console script (or the module when the script is not installed)."""
    script = Path(sys.executable).parent / "pos-app"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "pos_app.cli"]
    return subprocess.run([*cmd, "--home", str(home), "verify-ledger"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


# --- connection rules --------------------------------------------------------------------------------

def test_pragmas_of_a_real_file(tmp_path: Path) -> None:
    db = open_home(tmp_path)
    assert (tmp_path / DB_FILENAME).is_file()
    with db.reading() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"settings", "campaigns", "campaign_keys", "vouchers", "outbox", "ledger", "ledger_acks",
            "closings"} <= tables
    db.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = open_home(tmp_path)
    with pytest.raises(StoreError), db.transaction() as conn:
        conn.execute("INSERT INTO campaign_keys(campaign_id, key_id, public_key) VALUES ('NOPE', 'K1', x'00')")
    db.close()


def test_settings_round_trip(tmp_path: Path) -> None:
    db = open_home(tmp_path)
    settings = Settings(db)
    assert settings.get("lang", "fr") == "fr"
    settings.set("lang", "en")
    settings.set("limits", {"offline_max": 5, "nom": "Épicerie"})
    settings.set("lang", "fr")
    db.close()
    again = Settings(open_home(tmp_path))
    assert again.all() == {"lang": "fr", "limits": {"offline_max": 5, "nom": "Épicerie"}}


def test_ui_settings_written_by_an_earlier_version_are_read_by_name(tmp_path: Path) -> None:
    # a till file of before the enum: the keys were written as bare strings; they must still be found
    db = open_home(tmp_path)
    earlier = {"ui.camera": "1", "ui.role": "seller", "ui.lang": "en", "ui.scanner_gap_ms": 45,
               "ui.auto_redeem": True, "ui.void_window_s": 60, "owner_pin_hash": "pbkdf2_sha256$1$00$00"}
    with db.transaction() as conn:
        for key, value in earlier.items():
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?)", (key, json.dumps(value)))
    settings = Settings(db)
    assert {key.value: settings.get(key) for key in UiSetting} == earlier
    db.close()


# --- the ledger table ----------------------------------------------------------------------------------

def test_append_and_verify(tmp_path: Path) -> None:
    home, entries = _home_with_ledger(tmp_path)
    store = LedgerStore(open_home(home))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert store.head() == (6, entries[-1].hash)
    assert list(store.entries()) == entries
    assert list(store.iter_all(batch=4)) == entries
    assert list(store.entries(from_seq=5)) == entries[4:]
    report = store.verify()
    assert report.ok and report.checked == 6
    store.record_ack(6, entries[-1].hash, "2026-11-23T15:00:00.000000Z")
    assert store.acknowledged_head() == (6, entries[-1].hash)
    assert store.verify().ok


def test_triggers_refuse_update_and_delete(tmp_path: Path) -> None:
    home, _ = _home_with_ledger(tmp_path, 2)
    conn = sqlite3.connect(home / DB_FILENAME)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE ledger SET amount_cents = 1 WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM ledger WHERE seq = 2")
    conn.close()
    db = open_home(home)
    with pytest.raises(StoreError), db.transaction() as c:
        c.execute("DELETE FROM ledger")
    assert LedgerStore(db).verify().checked == 2


def test_an_entry_that_would_not_survive_storage_is_refused(tmp_path: Path) -> None:
    db = open_home(tmp_path)
    store = LedgerStore(db)
    store.append(_entry(1))
    for bad in (dict(amount_cents=12.0), dict(till_id=7), dict(amount_cents=True)):
        with pytest.raises(ValueError):
            store.append(replace(_entry(2), **bad))
    assert store.head()[0] == 1 and store.verify().ok  # nothing was written


def test_verify_ledger_cli_on_an_intact_ledger(tmp_path: Path) -> None:
    home, _ = _home_with_ledger(tmp_path)
    result = _verify_cli(home)
    assert result.returncode == 0, result.stderr
    assert "6 entries" in result.stdout


# --- tampering with the file itself ----------------------------------------------------------------------

TAMPER_VALUES = {
    "seq": 60, "ts_utc": "2026-11-23T13:00:00.000000Z", "business_day": "2026-11-22", "kind": "void",
    "till_id": "T2", "cashier": "Max", "voucher": "000000000098", "campaign_id": "OTHER", "amount_cents": 1,
    "price_cents": 5, "topup_cents": 5, "mode": "offline", "idempotency_key": "other-key", "ref_seq": 1,
    "data": '{"client_time": "forged"}', "prev_hash": "0" * 64, "hash": "f" * 64,
}


@pytest.mark.parametrize("column", LEDGER_COLUMNS)
def test_editing_any_column_is_named_by_verify_ledger(tmp_path: Path, column: str) -> None:
    home, _ = _home_with_ledger(tmp_path)
    conn = _attacker(home)
    conn.execute(f"UPDATE ledger SET {column} = ? WHERE seq = 3", (TAMPER_VALUES[column],))
    conn.close()
    result = _verify_cli(home)
    assert result.returncode == 1
    assert "entry 3" in result.stderr, result.stderr


def test_unparsable_data_is_named_not_a_crash(tmp_path: Path) -> None:
    home, _ = _home_with_ledger(tmp_path)
    conn = _attacker(home)
    conn.execute("UPDATE ledger SET data = '{not json' WHERE seq = 4")
    conn.close()
    result = _verify_cli(home)
    assert result.returncode == 1 and "entry 4" in result.stderr and "Traceback" not in result.stderr


def test_deleting_a_middle_entry_is_named(tmp_path: Path) -> None:
    home, _ = _home_with_ledger(tmp_path)
    _attacker(home).execute("DELETE FROM ledger WHERE seq = 3")
    result = _verify_cli(home)
    assert result.returncode == 1 and "entry 3" in result.stderr


def test_deleting_the_tail_is_caught_against_the_acknowledged_head(tmp_path: Path) -> None:
    home, entries = _home_with_ledger(tmp_path)
    db = open_home(home)
    LedgerStore(db).record_ack(6, entries[-1].hash, "2026-11-23T15:00:00.000000Z")
    db.close()
    _attacker(home).execute("DELETE FROM ledger WHERE seq >= 5")
    result = _verify_cli(home)
    assert result.returncode == 1 and "entry 5" in result.stderr


def test_inserting_an_entry_is_named(tmp_path: Path) -> None:
    home, entries = _home_with_ledger(tmp_path)
    conn = _attacker(home)
    # Make room at seq 3 by renumbering the later entries, then slip in a well-sealed entry after entry 2.
    for seq in range(6, 2, -1):
        conn.execute("UPDATE ledger SET seq = seq + 1 WHERE seq = ?", (seq,))
    forged = _entry(99).sealed(3, entries[1].hash)
    row = [getattr(forged, c) for c in LEDGER_COLUMNS]
    row[LEDGER_COLUMNS.index("data")] = '{"client_time": "t99"}'
    conn.execute(f"INSERT INTO ledger ({', '.join(LEDGER_COLUMNS)}) VALUES ({', '.join('?' * 17)})", row)
    conn.close()
    result = _verify_cli(home)
    # The intruder itself is well sealed; the first original entry after it (old 3, now numbered 4) breaks.
    assert result.returncode == 1 and "entry 4" in result.stderr, result.stderr


def test_inserting_a_badly_sealed_entry_is_named(tmp_path: Path) -> None:
    home, _ = _home_with_ledger(tmp_path)
    conn = _attacker(home)
    conn.execute("DELETE FROM ledger WHERE seq = 6")  # free the number, then put a forgery there
    conn.execute("INSERT INTO ledger SELECT 6, ts_utc, business_day, kind, till_id, cashier, voucher, campaign_id, "
                 "99999, price_cents, topup_cents, mode, idempotency_key, ref_seq, data, prev_hash, hash "
                 "FROM ledger WHERE seq = 5")
    conn.close()
    result = _verify_cli(home)
    assert result.returncode == 1 and "entry 6" in result.stderr


def test_swapping_two_entries_is_named(tmp_path: Path) -> None:
    home, _ = _home_with_ledger(tmp_path)
    conn = _attacker(home)
    others = ", ".join(f"{c} = (SELECT {c} FROM ledger WHERE seq = {{other}})" for c in LEDGER_COLUMNS[1:])
    conn.execute("CREATE TEMP TABLE keep AS SELECT * FROM ledger WHERE seq IN (2, 5)")
    conn.execute(f"UPDATE ledger SET {others.replace('FROM ledger', 'FROM keep').format(other=5)} WHERE seq = 2")
    conn.execute(f"UPDATE ledger SET {others.replace('FROM ledger', 'FROM keep').format(other=2)} WHERE seq = 5")
    conn.close()
    result = _verify_cli(home)
    assert result.returncode == 1 and "entry 2" in result.stderr


# --- migrations --------------------------------------------------------------------------------------------

def _file_at_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for step in range(version):
        conn.executescript(f"BEGIN;\n{MIGRATIONS[step]}\nPRAGMA user_version = {step + 1};\nCOMMIT;")
    if version >= 1:  # data in every table of that version
        conn.execute("INSERT INTO settings VALUES ('lang', '\"en\"')")
        conn.execute("INSERT INTO settings VALUES ('cursor', '\"77\"')")
        conn.execute("INSERT INTO campaigns(id, name, face_value_cents, sale_price_cents, valid_from, valid_until,"
                     " merchant_ids, updated_utc) VALUES ('BOOST24', 'Booster', 1200, 1000, '2026-11-14',"
                     " '2027-02-28', '[\"M1\"]', '2026-11-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO campaign_keys VALUES ('BOOST24', 'K1', x'0102')")
        conn.execute("INSERT INTO vouchers(serial, campaign_id, state) VALUES ('000000426995', 'BOOST24', 'active')")
        conn.execute("INSERT INTO outbox(idempotency_key, kind, serial, payload, created_utc) "
                     "VALUES ('k1', 'redeem', '000000426995', '{}', '2026-11-23T14:00:00.000000Z')")
    conn.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_older_schema_is_migrated_with_its_data(tmp_path: Path, version: int) -> None:
    path = tmp_path / DB_FILENAME
    if version == 0:
        path.write_bytes(b"")  # an empty file is version 0
    else:
        _file_at_version(path, version)
    db = Database(path)
    with db.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        if version >= 1:
            assert conn.execute("SELECT value FROM settings WHERE key = 'lang'").fetchone()[0] == '"en"'
            # v4 drops the feed's cursor: the next sync pulls every voucher again, with what its buyer paid
            assert conn.execute("SELECT key FROM settings ORDER BY key").fetchall() == [("lang",)]
            assert conn.execute("SELECT name FROM campaigns").fetchall() == [("Booster",)]
            assert conn.execute("SELECT public_key FROM campaign_keys").fetchone()[0] == b"\x01\x02"
            assert conn.execute("SELECT state, sold_here, paid_cents FROM vouchers").fetchall() == \
                [("active", 0, None)]  # what its buyer paid comes with the next full snapshot of the feed
            assert conn.execute("SELECT idempotency_key FROM outbox").fetchall() == [("k1",)]
    store = LedgerStore(db)
    store.append(_entry(1))  # the migrated file works
    assert store.verify().ok
    db.close()


def test_a_failing_migration_step_leaves_the_older_version_intact(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    _file_at_version(path, 1)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE closings (x)")  # makes step 2 fail half-way
    conn.commit()
    conn.close()
    with pytest.raises(StoreError):
        Database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "sold_here" not in [r[1] for r in conn.execute("PRAGMA table_info(vouchers)")]
    conn.close()


def test_a_file_from_the_future_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as info:
        Database(path)
    assert info.value.code == "too_new"
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_file_that_is_not_a_database_is_reported(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    path.write_bytes(b"this is not an SQLite file" * 200)
    with pytest.raises(StoreError) as info:
        Database(path)
    assert info.value.code == "corrupt"


def test_a_home_that_is_a_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "home").write_text("x")
    with pytest.raises(StoreError) as info:
        open_home(tmp_path / "home")
    assert info.value.code == "io"


# --- full disk ------------------------------------------------------------------------------------------------

def test_full_disk_gives_disk_full_and_writes_nothing(tmp_path: Path) -> None:
    db = open_home(tmp_path)
    store = LedgerStore(db)
    store.append(_entry(1))
    with db.reading() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        # Cap the file at its current size: the next pages SQLite needs fail with SQLITE_FULL, the very error
        # (and code path) SQLite takes when the file system has no space left. Filling a real disk is not
        # possible on a shared test machine; this is SQLite's own limit, not a mock.
        conn.execute(f"PRAGMA max_page_count = {pages}")
    big = {"blob": "x" * 200_000}
    with pytest.raises(StoreError) as info:
        store.append(replace(_entry(2), data=big))
    assert info.value.code is StoreProblem.DISK_FULL  # the UI and the CLI say it in the user's language
    # A multi-statement transaction that fills the disk half-way leaves nothing behind.
    with pytest.raises(StoreError) as info, db.transaction() as conn:
        conn.execute("INSERT INTO settings VALUES ('a', '1')")
        store.append_in(conn, _entry(2))
        conn.execute("INSERT INTO settings VALUES ('b', ?)", ('"' + "y" * 200_000 + '"',))
    assert info.value.code == "disk_full"
    db.close()
    db = open_home(tmp_path)
    store = LedgerStore(db)
    assert store.head()[0] == 1 and store.verify().ok
    assert Settings(db).all() == {}
    store.append(_entry(2))  # with room again, it goes on
    assert store.verify().checked == 2
