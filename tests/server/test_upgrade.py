"""Upgrades: a database built at an old migration, filled as that schema allowed (rows written through the tables
reflected from the database itself, not today's models), migrated to the head, keeps its data and gives the figures
computed by hand; `voucher-server migrate --dry-run` shows what would change and changes nothing.

test_hot_path.py's test_upgrade_from_0001_keeps_data_and_old_cursors_start_over covers the tills' change feed
across the same upgrade; here it is the money: statements, liability, funder invoices, paid statements, chains."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, MetaData, create_engine, inspect, select, text

from voucher_core.ledger import GENESIS_HASH
from voucher_core.timeutil import PARIS
from voucher_server.db import Database, alembic_config, is_sqlite
from voucher_server.models import Activity, Voucher
from voucher_server.services import funders, liability, settlement, statement
from voucher_server.services.integrity import verify
from voucher_server.services.periods import Period
from voucher_server.upgrades import MIGRATE_LOCK, current_revision, head_revision

REPO = Path(__file__).resolve().parents[2]
DEC = Period(date(2026, 12, 1), date(2026, 12, 31))
SERIALS = [f"10000000000{i}" for i in range(6)]  # 12 digits: the serials 0001's code issued


def paris(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), PARIS).astimezone(UTC)


def insert(conn: Connection, table: str, *rows: dict[str, Any]) -> None:
    """Rows into ``table`` as the database's own schema has it (reflected), whatever today's models say."""
    meta = MetaData()
    meta.reflect(conn, only=[table])
    conn.execute(meta.tables[table].insert(), list(rows))


def columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def scheme_at_0001(conn: Connection) -> None:
    """One campaign (12 € for 10 €, 2 € top-up), two shops, a tobacconist; 4 sales, 3 redemptions, 1 void. One
    redemption at 00:30 Paris on 6 December, which is still the 5th in UTC: the business day 0005 backfills must
    be Paris's."""
    insert(conn, "merchants",
           {"id": "M0001", "name": "Boulangerie Éclair", "siret": "", "address": "", "is_merchant": True,
            "is_seller": False},
           {"id": "M0002", "name": "Librairie Page", "siret": "", "address": "", "is_merchant": True,
            "is_seller": False},
           {"id": "M0003", "name": "Tabac du Port", "siret": "", "address": "", "is_merchant": False,
            "is_seller": True})
    insert(conn, "campaigns", {"id": "BOOST", "name": "Booster", "face_value_cents": 1200, "sale_price_cents": 1000,
                               "topup_cents": 200, "valid_from": date(2026, 11, 14), "valid_until": date(2027, 2, 28),
                               "next_number": len(SERIALS) + 1})
    insert(conn, "campaign_merchants", {"campaign_id": "BOOST", "merchant_id": "M0001"},
           {"campaign_id": "BOOST", "merchant_id": "M0002"})
    insert(conn, "campaign_sellers", {"campaign_id": "BOOST", "merchant_id": "M0003"})
    insert(conn, "terminals", *({"merchant_id": m, "name": f"Caisse {m}", "token_hash": hashlib.sha256(m.encode())
                                 .hexdigest(), "enabled": True, "offline_allowed": True,
                                 "max_offline_total_cents_per_day": 60000, "max_cache_age_seconds": 86400,
                                 "ledger_head_seq": 0, "ledger_head_hash": ""} for m in ("M0001", "M0002", "M0003")))
    insert(conn, "vouchers", *({"serial": s, "campaign_id": "BOOST", "key_id": "K1", "code": f"V1.{s}",
                                "state": "issued", "change_seq": i + 1} for i, s in enumerate(SERIALS)))
    ids = iter(range(1, 100))
    book: list[dict[str, Any]] = []

    def act(kind: str, serial: str, merchant: str, when: datetime, amount: int, ref: int | None = None) -> int:
        aid = next(ids)
        sale = kind in ("activate", "sale_void")
        book.append({"id": aid, "kind": kind, "serial": serial, "campaign_id": "BOOST", "merchant_id": merchant,
                     "amount_cents": amount, "sale_price_cents": 1000 if sale else 0,
                     "topup_cents": 200 if sale else 0, "server_time": when, "business_time": when,
                     "offline": False, "ref_id": ref})
        return aid

    sold = {s: act("activate", s, "M0003", paris("2026-11-20", 12), 1200) for s in SERIALS[:4]}
    r0 = act("redeem", SERIALS[0], "M0001", paris("2026-12-05", 23, 30), 1200)
    r1 = act("redeem", SERIALS[1], "M0001", paris("2026-12-06", 0, 30), 1200)
    act("void", SERIALS[1], "M0001", paris("2026-12-06", 0, 40), 1200, ref=r1)
    r2 = act("redeem", SERIALS[2], "M0002", paris("2026-12-06", 11), 1200)
    insert(conn, "activities", *book)
    for s, sale in sold.items():
        redeemed = {SERIALS[0]: (r0, "M0001", paris("2026-12-05", 23, 30)),
                    SERIALS[2]: (r2, "M0002", paris("2026-12-06", 11))}.get(s)
        conn.execute(text("UPDATE vouchers SET state = :st, sale_id = :sale, redemption_id = :rid, redeemed_by = :by "
                          "WHERE serial = :s"),
                     {"st": "redeemed" if redeemed else "active", "sale": sale, "s": s,
                      "rid": redeemed[0] if redeemed else None, "by": redeemed[1] if redeemed else None})


def check_figures(url: str) -> None:
    """The hand-computed figures of scheme_at_0001 on today's schema, from the functions every screen uses."""
    db = Database(url)
    try:
        with db.reading() as s:
            days = {a.id: a.business_day for a in s.scalars(select(Activity).order_by(Activity.id))}
            assert days[5] == date(2026, 12, 5) and days[6] == date(2026, 12, 6)  # 23:30 and 00:30 Paris
            assert days[1] == date(2026, 11, 20)
            paid = {v.serial: v.paid_cents for v in s.scalars(select(Voucher))}
            assert paid == {**dict.fromkeys(SERIALS[:4], 1000), **dict.fromkeys(SERIALS[4:], None)}

            fifth = statement.shop_statement(s, "M0001", date(2026, 12, 5), date(2026, 12, 5))
            sixth = statement.shop_statement(s, "M0001", date(2026, 12, 6), date(2026, 12, 6))
            assert (fifth["reimbursement_cents"], fifth["counts"]["redeemed"]) == (1200, 1)
            assert (sixth["reimbursement_cents"], sixth["counts"]["redemptions_voided"]) == (0, 1)
            month = {m: statement.shop_statement(s, m, DEC.start, DEC.end)["reimbursement_cents"]
                     for m in ("M0001", "M0002")}
            assert month == {"M0001": 1200, "M0002": 1200}
            nov = statement.shop_statement(s, "M0003", date(2026, 11, 1), date(2026, 11, 30))
            assert (nov["remittance_cents"], nov["counts"]["sold"]) == (4000, 4)
            due = {d.merchant_id: d for d in settlement.shops_due(s, DEC)}
            assert sorted(due) == ["M0001", "M0002"]

            # 4 sold, 2 redeemed by 31 December: 2 outstanding at 12 € (10 € buyers' money, 2 € top-up each)
            end = liability.liability(s, date(2026, 12, 31)).as_json()
            assert (end["outstanding_count"], end["outstanding_cents"], end["buyers_cents"], end["topup_cents"]) \
                == (2, 2400, 2000, 400)
            before = liability.liability(s, date(2026, 12, 5)).as_json()  # the 5th's redemption only
            assert (before["outstanding_count"], before["outstanding_cents"]) == (3, 3600)
            assert verify(s).ok
    finally:
        db.dispose()


def test_a_database_at_0001_with_data_upgrades_to_head_with_its_figures(db_url: str) -> None:
    command.upgrade(alembic_config(db_url), "0001")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        scheme_at_0001(conn)
    engine.dispose()
    assert "business_day" not in columns(db_url, "activities")  # the old shape indeed
    early = subprocess.run([sys.executable, "-m", "voucher_server.cli", "verify", "--db", db_url], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert early.returncode == 2 and "la base est à la migration 0001" in early.stderr  # refused, not misread

    migrated = subprocess.run([sys.executable, "-m", "voucher_server.cli", "migrate", "--db", db_url], cwd=REPO,
                              capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    head = head_revision()
    assert migrated.stdout.strip() == (f"migrate : 0001 -> {head}, {int(head) - 1} migration(s) passée(s) / "
                                       f"migrate: 0001 -> {head}, {int(head) - 1} migration(s) run")
    assert current_revision(db_url) == head_revision()
    check_figures(db_url)


def test_a_database_at_0008_with_funders_and_chains_upgrades_to_head(db_url: str) -> None:
    """The middle of the chain: funders (0004), business days (0005) and the tills' chains (0008) in the data,
    each voucher's price paid (0009) and the commission's counter (0011) still to come."""
    command.upgrade(alembic_config(db_url), "0001")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        scheme_at_0001(conn)
    engine.dispose()
    command.upgrade(alembic_config(db_url), "0008")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE campaigns SET topup_until = :d"), {"d": date(2027, 1, 31)})
        insert(conn, "funders", {"id": "F0001", "name": "Communauté de communes", "address": "", "siret": ""},
               {"id": "F0002", "name": "Ville du Port", "address": "", "siret": ""})
        insert(conn, "campaign_funders", {"campaign_id": "BOOST", "funder_id": "F0001", "share_bp": 7500},
               {"campaign_id": "BOOST", "funder_id": "F0002", "share_bp": 2500})
        insert(conn, "statement_payments", {"merchant_id": "M0002", "period_start": DEC.start, "period_end": DEC.end,
                                            "amount_cents": 1200, "method": "transfer", "reference": "VIR-12",
                                            "paid_at": paris("2027-01-05", 10), "paid_by": "ana"})
        prev, links = GENESIS_HASH, []
        for seq in range(1, 6):
            h = hashlib.sha256(f"{prev}{seq}".encode()).hexdigest()
            links.append({"terminal_id": 1, "seq": seq, "prev_hash": prev, "hash": h,
                          "received_at": paris("2026-12-06", 12)})
            prev = h
        insert(conn, "terminal_ledger_entries", *links)
        conn.execute(text("UPDATE terminals SET ledger_head_seq = 5, ledger_head_hash = :h WHERE id = 1"), {"h": prev})
    engine.dispose()
    assert "paid_cents" not in columns(db_url, "vouchers")

    dry = subprocess.run([sys.executable, "-m", "voucher_server.cli", "migrate", "--dry-run", "--db", db_url],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert dry.returncode == 0, dry.stderr
    listed = [line.split()[1] for line in dry.stdout.splitlines() if line.startswith("--   ")]
    assert listed == [f"{n:04d}" for n in range(9, int(head_revision()) + 1)]
    assert "paid_cents" in dry.stdout and "commission_invoice" in dry.stdout
    assert current_revision(db_url) == "0008" and "paid_cents" not in columns(db_url, "vouchers")

    command.upgrade(alembic_config(db_url), "head")
    check_figures(db_url)
    db = Database(db_url)
    try:
        with db.reading() as s:
            # 2 redemptions in December, 2 € top-up each, split 75 / 25 between the funders
            split = {f.id: funders.funder_invoice(s, f.id, DEC).topup_cents for f in funders.list_funders(s)}
            assert split == {"F0001": 300, "F0002": 100}
            due = {d.merchant_id: d for d in settlement.shops_due(s, DEC)}
            assert due["M0002"].paid is not None and due["M0001"].paid is None
            report = verify(s)
            assert report.ok and (report.terminals, report.links) == (3, 5)
    finally:
        db.dispose()


def schema_of(url: str) -> list[tuple[str, list[str]]]:
    engine = create_engine(url)
    try:
        found = inspect(engine)
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = [(t, sorted(f"{c['name']}:{c['type']}" for c in found.get_columns(t)))
                  for t in sorted(found.get_table_names())]
        return [("alembic_version", [str(version)]), *tables]
    finally:
        engine.dispose()


def test_migrate_dry_run_shows_the_pending_sql_and_changes_nothing(db_url: str) -> None:
    command.upgrade(alembic_config(db_url), "0010")
    before = schema_of(db_url)
    files = sorted(Path(db_url.removeprefix("sqlite:///")).parent.iterdir()) if is_sqlite(db_url) else []
    out = subprocess.run([sys.executable, "-m", "voucher_server.cli", "migrate", "--dry-run", "--db", db_url],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "migrate lancerait" in out.stdout and "migrate would run" in out.stdout
    assert "--   0011  the operator's commission" in out.stdout
    assert "CREATE TABLE commission_terms" in out.stdout
    assert "INSERT INTO counters (name, value) VALUES ('commission_invoice', 0)" in out.stdout
    assert "UPDATE alembic_version SET version_num='0011' WHERE alembic_version.version_num = '0010'" in out.stdout
    assert schema_of(db_url) == before
    if is_sqlite(db_url):  # no file left beside the database (the rehearsal's copy was elsewhere, and is gone)
        assert sorted(Path(db_url.removeprefix("sqlite:///")).parent.iterdir()) == files

    command.upgrade(alembic_config(db_url), "head")
    again = subprocess.run([sys.executable, "-m", "voucher_server.cli", "migrate", "--dry-run", "--db", db_url],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "rien à faire / the database is at the head" in again.stdout


@pytest.mark.postgres
def test_migrate_steps_started_together_run_one_after_the_other(pg_server: Any) -> None:
    """Two hosts' migrate units starting at once on an empty database: without a lock both create the tables and
    all but one fail; under migrate's advisory lock each succeeds and the tables are created once."""
    url = pg_server()
    cli = [sys.executable, "-m", "voucher_server.cli", "migrate", "--db", url]
    runs = [subprocess.Popen(cli, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outs = [(p.wait(300), *p.communicate()) for p in runs]
    assert [rc for rc, _, _ in outs] == [0, 0, 0], [err[-1500:] for _, _, err in outs]
    head = int(head_revision())
    counts = sorted(int(out.split("/ migrate: ")[1].split(", ")[1].split()[0]) for _, out, _ in outs)
    assert counts == [0, 0, head]  # one migrator ran them all; the others found the database at the head
    assert current_revision(url) == head_revision()


@pytest.mark.postgres
def test_admin_commands_wait_for_the_migrators_lock(pg_server: Any) -> None:
    """An admin command upgrades its database first: while a migrate step holds the lock (the unit starting as the
    administrator types), the command waits for it instead of creating the tables beside it."""
    url = pg_server()
    engine = create_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as holder:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATE_LOCK})
            cmd = subprocess.Popen([sys.executable, "-m", "voucher_server.cli", "accounts", "--db", url], cwd=REPO,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                with pytest.raises(subprocess.TimeoutExpired):
                    cmd.wait(8)  # well past the command's own run (about 2 s): it is waiting on the lock
                assert current_revision(url) is None  # and has created nothing
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATE_LOCK})
        out, err = cmd.communicate(timeout=300)
        assert cmd.returncode == 0, err[-1500:]
        assert "4675" in out  # the command did its own work once the lock was free: the chart, vouchers' account
        assert current_revision(url) == head_revision()
    finally:
        engine.dispose()
