"""Backups that restore: a seeded scheme's PostgreSQL database dumped with Debian's pg_dump (-Fc), restored with
pg_restore into a new database, gives every statement, reimbursement, remittance, funder invoice, commission
invoice and the liability equal to the cent, the same rows in every table, and `voucher-server verify` finds the
tills' ledger chains and the activity log's references intact (and does find a link tampered with after)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select, text, update

from voucher_core.ledger import GENESIS_HASH
from voucher_server import admin
from voucher_server.config import Settings
from voucher_server.db import Database, upgrade
from voucher_server.models import Merchant, Terminal, TerminalLedgerEntry, Voucher
from voucher_server.models_money import PaymentMethod
from voucher_server.services import commission_invoices, funders, liability, remittance, settlement, statement
from voucher_server.services.commission import CommissionMode, set_commission
from voucher_server.services.integrity import Flaw
from voucher_server.services.integrity import verify as check
from voucher_server.services.periods import Period

from .money_scenario import OPERATOR_IBAN, at, build
from .test_ledger_heads import HEAD, chain

REPO = Path(__file__).resolve().parents[2]
NOV, DEC = Period(date(2026, 11, 1), date(2026, 11, 30)), Period(date(2026, 12, 1), date(2026, 12, 31))
PERIODS = [NOV, DEC, Period(date(2027, 1, 1), date(2027, 1, 31)), Period(date(2027, 2, 1), date(2027, 2, 28))]
OPERATOR = {"NAME": "Office du commerce du Port", "ADDRESS": "1 quai Est, 29900 Concarneau",
            "SIRET": "73282932000074", "VAT": "FR44732829320", "IBAN": OPERATOR_IBAN}


def seed(url: str) -> None:
    """money_scenario's scheme, then what an operator does with it: commission terms, invoices and a credit note,
    a paid statement, a received remittance; and two tills' ledger chains acknowledged through the API."""
    build(url)
    db = Database(url)
    with db.writing() as s:
        s.execute(update(Merchant).where(Merchant.id == "M0001").values(
            siret="44306184100047", address="3 rue du Port, 29900 Concarneau"))
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", at("2026-11-25"))
        set_commission(s, "OLD", date(2026, 12, 1), 250, "ana", at("2026-11-25"), mode=CommissionMode.INVOICED)
        tokens = [admin.add_terminal(s, shop, f"Caisse {shop}")[1] for shop in ("M0001", "M0002")]
    with db.writing() as s:
        issued = commission_invoices.issue_invoices(s, DEC, "ana", at("2027-01-02"))
        commission_invoices.issue_credit_note(s, issued.issued[0].number, "erreur de taux", "ana",
                                              at("2027-01-03"))
        settlement.mark_statement_paid(s, "M0001", DEC, "ana", at("2027-01-05"), reference="VIR-2026-12")
        remittance.mark_remittance_received(s, "M0003", NOV, PaymentMethod.CASH, "ana", at("2026-12-02"))
    db.dispose()
    from voucher_server.app import create_app

    app = create_app(Settings(db_url=url, secret=None))
    with TestClient(app) as client:
        for n, token in enumerate(tokens):
            links = chain(12 + n, salt=token)
            for part in (links[:5], links[5:]):
                last = part[-1]
                r = client.post(HEAD, headers={"Authorization": f"Bearer {token}"},
                                json={"seq": last["seq"], "hash": last["hash"], "entries": part})
                assert r.status_code == 200, r.text
    app.state.db.dispose()


def plain(value: Any) -> Any:
    """Figures as comparable JSON (dataclasses, dates, enums, nested)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def figures(url: str) -> dict[str, Any]:
    """Every money figure of the scheme, each from the one function the console, PDFs and CLI use."""
    db = Database(url)
    out: dict[str, Any] = {}
    try:
        with db.reading() as s:
            for p in PERIODS:
                key = f"{p.start}..{p.end}"
                for shop in ("M0001", "M0002"):
                    out[f"statement {shop} {key}"] = statement.shop_statement(s, shop, p.start, p.end)
                out[f"due {key}"] = settlement.shops_due(s, p)
                out[f"remittances {key}"] = remittance.remittances(s, p)
                for f in funders.list_funders(s):
                    out[f"funder invoice {f.id} {key}"] = funders.funder_invoice(s, f.id, p)
            out["commission invoices"] = commission_invoices.list_invoices(s)
            for day in ("2026-11-30", "2026-12-31", "2027-02-28", "2027-03-31"):
                out[f"liability {day}"] = liability.liability(s, date.fromisoformat(day))
            out["breakage OLD"] = liability.breakage(s, "OLD", date(2027, 3, 1))
    finally:
        db.dispose()
    return plain(out)


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows in key order: nothing lost, nothing changed."""
    engine = create_engine(url)
    found: dict[str, tuple[int, str]] = {}
    try:
        names = inspect(engine).get_table_names()
        with engine.connect() as conn:
            for name in sorted(names):
                pk = inspect(engine).get_pk_constraint(name)["constrained_columns"]
                order = ", ".join(f'"{c}"' for c in pk) or "1"
                rows = conn.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}')).all()
                blob = json.dumps([list(r) for r in rows], default=str, ensure_ascii=False)
                found[name] = (len(rows), hashlib.sha256(blob.encode()).hexdigest())
    finally:
        engine.dispose()
    return found


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def verify(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voucher_server.cli", "verify", "--db", url], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.postgres
def test_a_dump_restored_into_a_new_database_gives_every_figure_to_the_cent(
        pg_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in OPERATOR.items():
        monkeypatch.setenv(f"VOUCHER_SERVER_OPERATOR_{key}", value)
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "postgresql-client (SYSTEM_PACKAGES) is needed"
    source = pg_server()
    seed(source)
    before, rows_before = figures(source), table_digests(source)
    # the scheme is not empty: the comparison below compares something
    assert before["commission invoices"] and len(before["commission invoices"]) >= 3  # invoices + a credit note
    assert any(d["paid"] for d in before[f"due {DEC.start}..{DEC.end}"])
    assert any(r["received"] for r in before[f"remittances {NOV.start}..{NOV.end}"])
    assert rows_before["terminal_ledger_entries"][0] == 12 + 13

    dump = tmp_path / "vouchers.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), libpq(source)], check=True, timeout=120)
    target = pg_server()  # an empty new database, as on the machine a backup is restored to
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", libpq(target), str(dump)], check=True,
                   timeout=120)

    assert table_digests(target) == rows_before
    after = figures(target)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key

    checked = verify(target)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().endswith("0 problem(s)")
    assert "2 terminal(s), 25 ledger link(s)" in checked.stdout

    # verify is not blind: a link rewritten in the restored copy breaks its terminal's chain
    engine = create_engine(target)
    with engine.begin() as conn:
        tid = conn.execute(text("SELECT min(terminal_id) FROM terminal_ledger_entries")).scalar_one()
        conn.execute(text("UPDATE terminal_ledger_entries SET hash = :h WHERE terminal_id = :t AND seq = 7"),
                     {"h": "0" * 64, "t": tid})
        conn.execute(text("UPDATE activities SET ref_id = NULL WHERE kind = 'void'"))
    engine.dispose()
    broken = verify(target)
    assert broken.returncode == 1
    assert f"chain_broken: terminal {tid} seq 8" in broken.stdout
    assert "dangling_ref: activity" in broken.stdout and "(void)" in broken.stdout


def test_verify_names_each_kind_of_damage(tmp_path: Path) -> None:
    """On a real SQLite file: a till's stored chain with a gap, a head that is not its link, a link stored past
    the head, a first link not on the genesis hash; a voucher whose sale is gone."""
    url = f"sqlite:///{tmp_path / 'damaged.sqlite3'}"
    build(url)
    upgrade(url)
    db = Database(url)
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    try:
        with db.writing() as s:
            ids = [admin.add_terminal(s, shop, f"Caisse {n}")[0].id for n, shop in enumerate(["M0001"] * 4)]
            for tid, (links, head) in zip(ids, [
                    (chain(6), 6),  # sound
                    ([x for x in chain(6) if x["seq"] != 3], 6),  # seq 3 lost
                    (chain(6), 4),  # stored beyond the acknowledged head
                    (chain(4, prev="f" * 64), 4)], strict=True):  # does not start on the genesis hash
                for x in links:
                    s.add(TerminalLedgerEntry(terminal_id=tid, seq=x["seq"], prev_hash=x["prev_hash"],
                                              hash=x["hash"], received_at=now))
                t = s.get(Terminal, tid)
                assert t is not None
                t.ledger_head_seq = head
                t.ledger_head_hash = next(x["hash"] for x in links if x["seq"] == head)
            s.flush()
            first = s.get(Terminal, ids[0])
            assert first is not None
            first.ledger_head_hash = "0" * 64  # the sound chain's head no longer its link
            sold = s.scalars(select(Voucher).where(Voucher.sale_id.is_not(None))).first()
            assert sold is not None
            sold.sale_id = 10_000_000
        with db.reading() as s:
            report = check(s)
    finally:
        db.dispose()
    assert GENESIS_HASH != "f" * 64
    assert sorted((p.flaw, p.where) for p in report.problems) == sorted([
        (Flaw.HEAD_MISMATCH, f"terminal {ids[0]} seq 6"),
        (Flaw.CHAIN_GAP, f"terminal {ids[1]} seq 3..3"),
        (Flaw.LINK_AFTER_HEAD, f"terminal {ids[2]} seq 6"),
        (Flaw.CHAIN_BROKEN, f"terminal {ids[3]} seq 1"),
        (Flaw.DANGLING_REF, f"voucher {sold.serial} (sale_id)"),
    ])


@pytest.mark.postgres
def test_the_nightly_backup_script_writes_a_dump_that_restores(pg_server: Any, tmp_path: Path) -> None:
    """installer/server/voucher-server-backup.sh as its unit runs it (the server's URL from the env file): a dump
    pg_restore reads back, the dumps past their keeping removed, and the dump restores to a database verify finds
    sound."""
    source = pg_server()
    build(source)
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "vouchers-2026-10-01T031500Z.dump"
    old.write_bytes(b"an old dump")
    recent = backups / "vouchers-2026-12-06T031500Z.dump"
    recent.write_bytes(b"last night's dump")
    subprocess.run(["touch", "-d", "40 days ago", str(old)], check=True)
    subprocess.run(["touch", "-d", "1 day ago", str(recent)], check=True)
    env = {"PATH": "/usr/bin:/bin", "VOUCHER_SERVER_DB": source, "VOUCHER_BACKUP_DIR": str(backups),
           "VOUCHER_BACKUP_KEEP_DAYS": "30"}
    script = REPO / "installer" / "server" / "voucher-server-backup.sh"
    out = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    dump = Path(out.stdout.strip())
    assert dump.parent == backups and dump.name.startswith("vouchers-") and dump.suffix == ".dump"
    assert sorted(p.name for p in backups.iterdir()) == sorted([dump.name, recent.name])  # the old one is gone
    assert oct(dump.stat().st_mode & 0o777) == "0o600"

    target = pg_server()
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", libpq(target), str(dump)], check=True,
                   timeout=120)
    assert table_digests(target) == table_digests(source)
    checked = verify(target)
    assert checked.returncode == 0 and checked.stdout.strip().endswith("0 problem(s)"), checked.stdout

    # a database the script cannot dump leaves no archive under a final name
    broken = subprocess.run([str(script)], env={**env, "VOUCHER_SERVER_DB": source + "_missing"},
                            capture_output=True, text=True, timeout=120)
    assert broken.returncode != 0
    assert sorted(p.name for p in backups.iterdir()) == sorted([dump.name, recent.name])  # no .partial either
    sqlite = subprocess.run([str(script)], env={**env, "VOUCHER_SERVER_DB": "sqlite:///x.db"}, capture_output=True,
                            text=True, timeout=60)
    assert sqlite.returncode == 2 and "n'est pas une base PostgreSQL" in sqlite.stderr
