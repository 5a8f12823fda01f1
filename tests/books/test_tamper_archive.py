"""An attacker edits the SQLite file (triggers dropped) or the exported archive: verification names the damage."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pos_app.cli import main
from pos_app.services.books import Books
from pos_app.store.ledger import LedgerStore
from voucher_core.ledger import EntryKind

from .conftest import Writer, standard_day, utc

REPO = Path(__file__).resolve().parents[2]


def attack(home: Path, *sql: str) -> None:
    """Open the till file as an attacker would: drop the guards, then run ``sql``."""
    conn = sqlite3.connect(home / "till.sqlite3")
    conn.executescript("DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete;"
                       "DROP TRIGGER IF EXISTS closings_no_update; DROP TRIGGER IF EXISTS closings_no_delete;")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def closed_home(home: Path, books: Books, writer: Writer, clock) -> Path:
    standard_day(writer)
    books.close_day("2026-11-23")  # entry 15
    clock.now = utc(2026, 11, 24, 18, 0)
    writer.redeem("000000000082", utc(2026, 11, 24, 9, 0))  # 16
    books.close_day("2026-11-24")  # 17
    writer.redeem("000000000090", utc(2026, 11, 24, 19, 0))  # 18, belongs to the 25th
    books.db.close()
    return home


def verify(home: Path, capsys) -> tuple[int, str]:
    code = main(["--home", str(home), "verify-ledger"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_intact(closed_home: Path, capsys) -> None:
    code, out = verify(closed_home, capsys)
    assert code == 0, out
    assert "18 entries" in out


@pytest.mark.parametrize(("sql", "named"), [
    # the closing's totals rewritten in its ledger entry (and the row, to match)
    (["UPDATE ledger SET data = replace(data, '\"owed_by_operator_cents\": 4400', "
      "'\"owed_by_operator_cents\": 9400') WHERE seq = 15",
      "UPDATE closings SET totals = replace(totals, '\"owed_by_operator_cents\": 4400', "
      "'\"owed_by_operator_cents\": 9400') WHERE ledger_seq = 15"], "entry 15"),
    (["UPDATE ledger SET amount_cents = 2400 WHERE seq = 1"], "entry 1"),  # any field of any entry
    (["UPDATE ledger SET business_day = '2026-11-25' WHERE seq = 16"], "entry 16"),
    (["DELETE FROM ledger WHERE seq = 15"], "entry 15"),  # delete a closing in the middle
    (["INSERT INTO ledger SELECT 99, ts_utc, business_day, kind, till_id, cashier, voucher, campaign_id, "
      "amount_cents, price_cents, topup_cents, mode, idempotency_key, ref_seq, data, prev_hash, hash "
      "FROM ledger WHERE seq = 3"], "entry 19"),  # insert (a copied row appended)
    (["UPDATE ledger SET seq = seq + 100 WHERE seq IN (16, 17)",
      "UPDATE ledger SET seq = 17 WHERE seq = 116", "UPDATE ledger SET seq = 16 WHERE seq = 117"],
     "entry 16"),  # reorder
])
def test_tampered_ledger_named(closed_home: Path, capsys, sql: list[str], named: str) -> None:
    attack(closed_home, *sql)
    code, out = verify(closed_home, capsys)
    assert code != 0
    assert named in out, out


def test_deleted_tail_caught_by_ack(closed_home: Path, capsys) -> None:
    conn = sqlite3.connect(closed_home / "till.sqlite3")
    seq, hash_ = conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("INSERT INTO ledger_acks(seq, hash, acked_utc) VALUES (?, ?, ?)", (seq, hash_, "2026-11-24T18:00Z"))
    conn.commit()
    conn.close()
    attack(closed_home, "DELETE FROM ledger WHERE seq >= 17")  # the last closing and what followed
    code, out = verify(closed_home, capsys)
    assert code != 0 and "17" in out


def test_closings_table_edited_alone(closed_home: Path, capsys) -> None:
    attack(closed_home, "UPDATE closings SET totals = replace(totals, '4400', '9400') WHERE period = '2026-11-23'")
    code, out = verify(closed_home, capsys)
    assert code != 0 and "closing day 2026-11-23" in out and "15" in out


def test_closing_row_deleted(closed_home: Path, capsys) -> None:
    attack(closed_home, "DELETE FROM closings WHERE period = '2026-11-24'")
    code, out = verify(closed_home, capsys)
    assert code != 0 and "entry 17" in out


# --- archive ------------------------------------------------------------------------------------------------

def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "pos_app.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


def test_export_and_verify_archive_elsewhere(closed_home: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "archive.zip"
    assert main(["--home", str(closed_home), "export-archive", "--from", "2026-11-23", "--to", "2026-11-24",
                 str(path)]) == 0
    exported = json.loads(capsys.readouterr().out)
    # entry 18 belongs to the 25th (written after the 24th was closed): not in this range
    # another machine: a fresh folder, no till home
    elsewhere = tmp_path / "auditor"
    elsewhere.mkdir()
    out = run_cli("verify-archive", str(path), cwd=elsewhere)
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["ok"] and result["entries"] == 17 and result["key_fingerprint"] == exported["key_fingerprint"]
    assert result["head_hash"] == exported["head_hash"]
    with zipfile.ZipFile(path) as zf:
        assert {"archive.json", "schema.json", "manifest.json", "signature.json"} <= set(zf.namelist())
        body = json.loads(zf.read("archive.json"))
    assert [c["period"] for c in body["closings"]] == ["2026-11-23", "2026-11-24"]
    # the export itself is in the ledger, and the chain still holds
    from pos_app.store import open_home

    db = open_home(closed_home)
    last = list(LedgerStore(db).entries())[-1]
    db.close()
    assert last.kind == EntryKind.ARCHIVE_EXPORT and last.data["zip_sha256"] == exported["zip_sha256"]
    assert main(["--home", str(closed_home), "verify-ledger"]) == 0


def _rewrite(path: Path, name: str, content: bytes, target: Path) -> None:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.namelist():
            dst.writestr(item, content if item == name else src.read(item))


def test_tampered_archive_refused(closed_home: Path, tmp_path: Path, capsys) -> None:
    import hashlib

    from pos_app.reports.archive import canonical, verify_archive

    path = tmp_path / "a.zip"
    assert main(["--home", str(closed_home), "export-archive", "--from", "2026-11-23", "--to", "2026-11-24",
                 str(path)]) == 0
    capsys.readouterr()
    with zipfile.ZipFile(path) as zf:
        body = json.loads(zf.read("archive.json"))
    body["entries"][0]["amount_cents"] = 2400
    forged = json.dumps(body).encode()
    # 1. the file edited: its SHA-256 no longer matches the signed manifest
    _rewrite(path, "archive.json", forged, tmp_path / "b.zip")
    check = verify_archive(tmp_path / "b.zip")
    assert not check.ok and "archive.json was altered" in check.problems[0]
    # 2. the manifest recomputed too: the signature fails
    manifest = canonical({"files": {"archive.json": hashlib.sha256(forged).hexdigest(),
                                    "schema.json": json.loads(zipfile.ZipFile(path).read("manifest.json"))[
                                        "files"]["schema.json"]}})
    _rewrite(tmp_path / "b.zip", "manifest.json", manifest, tmp_path / "c.zip")
    check = verify_archive(tmp_path / "c.zip")
    assert not check.ok and "signature invalid" in check.problems[0]
    # 3. re-signed with the attacker's own key: signature holds, but the chain names the entry,
    #    and the fingerprint is not the one printed on the till's reports
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from pos_app.reports.archive import build_archive
    from voucher_core.ledger import LedgerEntry

    header = {k: body[k] for k in ("till_id", "shop", "siret", "from", "to", "exported_utc")}
    build_archive(tmp_path / "d.zip", header, [LedgerEntry(**e) for e in body["entries"]], body["closings"],
                  Ed25519PrivateKey.generate())
    check = verify_archive(tmp_path / "d.zip")
    assert not check.ok and "entry 1 was altered" in check.problems[0]
    out = run_cli("verify-archive", str(tmp_path / "d.zip"), cwd=tmp_path)
    assert out.returncode == 1 and json.loads(out.stdout)["key_fingerprint"] != body["key_fingerprint"]
