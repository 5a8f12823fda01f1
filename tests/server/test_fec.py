"""The accountant's FEC export on the money scenario (money_scenario.py): the real CLI writes the 18 columns of
art. A47 A-1 LPF, numbers entries without a gap, balances every entry, and its balances say what the statement,
funder invoice and liability functions say, to the cent."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from voucher_server.db import Database
from voucher_server.services import funders, liability, orders
from voucher_server.services.chart import DEFAULTS, Role, set_accounts
from voucher_server.services.fec import month_ends
from voucher_server.services.fec_files import COLUMNS, build_fec, reexport
from voucher_server.services.periods import Period
from voucher_server.services.statement import shop_statement

from .money_scenario import at, build

YEAR = Period(date(2026, 11, 1), date(2027, 3, 31))


@pytest.fixture
def scheme(db_url: str) -> Iterator[tuple[str, Database, dict[str, Any]]]:
    serials = build(db_url)
    db = Database(db_url)
    yield db_url, db, serials
    db.dispose()


def cli_fec(url: str, out: Path, *extra: str) -> str:
    done = subprocess.run([sys.executable, "-m", "voucher_server.cli", "fec", "--db", url, "--from",
                           YEAR.start.isoformat(), "--to", YEAR.end.isoformat(), "--out", str(out), *extra],
                          capture_output=True, text=True, check=True)
    return done.stdout


def cents(text: str) -> int:
    whole, frac = text.split(",")
    return int(whole) * 100 + int(frac)


def parse(data: bytes) -> tuple[list[str], list[list[str]]]:
    lines = data.decode("iso-8859-15").split("\r\n")
    assert lines[-1] == ""
    rows = [x.split("\t") for x in lines[:-1]]
    return rows[0], rows[1:]


def balances(rows: list[list[str]]) -> dict[str, int]:
    """Debit minus credit per account and per auxiliary account."""
    out: dict[str, int] = defaultdict(int)
    for r in rows:
        d = cents(r[11]) - cents(r[12])
        out[r[4]] += d
        if r[6]:
            out[r[6]] += d
    return out


def test_cli_fec_file_and_reconciliation(scheme: tuple[str, Database, dict[str, Any]], tmp_path: Path) -> None:
    url, db, serials = scheme
    cli_fec(url, tmp_path / "fec.txt")
    header, rows = parse((tmp_path / "fec.txt").read_bytes())
    assert tuple(header) == COLUMNS and all(len(r) == 18 for r in rows) and rows
    nums = [int(r[2]) for r in rows]
    assert sorted(set(nums)) == list(range(1, max(nums) + 1)) and nums == sorted(nums)
    by_entry: dict[int, int] = defaultdict(int)
    for r in rows:
        assert len(r[3]) == 8 and r[3].isdigit() and r[9] == r[3]
        by_entry[int(r[2])] += cents(r[11]) - cents(r[12])
    assert set(by_entry.values()) == {0}
    bal = balances(rows)
    shops, holders, funder_acc = (DEFAULTS[r][0] for r in (Role.SHOPS, Role.HOLDERS, Role.FUNDERS))
    topup, buyers = (DEFAULTS[r][0] for r in (Role.TOPUP_ACCRUED, Role.BUYERS))
    with db.reading() as s:
        # The buyers' money still held equals the liability function's at the end of the period (after breakage).
        assert -bal[holders] == liability.liability(s, YEAR.end).as_json()["buyers_cents"]
        for mid in ("M0001", "M0002", "M0003"):
            st = shop_statement(s, mid, YEAR.start, YEAR.end)
            # Owed to a shop: its reimbursement; owed by a tobacconist: the remittance of its sales.
            assert bal[f"{shops}{mid}"] == st["remittance_cents"] - st["reimbursement_cents"], mid
        for fid in ("F0001", "F0002"):
            assert bal[f"{funder_acc}{fid}"] == funders.funder_invoice(s, fid, YEAR).topup_cents, fid
        # The top-up to invoice (4411), debited redemption by redemption, is credited by the month-end invoices
        # and write-offs, which count it again from the month's redemptions: over whole months nothing is left.
        spent = funders.topup_spent(s, YEAR)
        assert sum(x.topup_cents for x in spent.values()) > 0
        moved = {r[6] for r in rows if r[4] == topup}  # (balances() reads 0 for an account never written)
        assert moved >= {f"{topup}{cid}" for cid, x in spent.items() if x.topup_cents}
        assert bal[topup] == 0 and all(bal[f"{topup}{cid}"] == 0 for cid in spent)
        # A bulk order's buyer (411) owes the order's total until it is paid: this one is not.
        order = orders.get_order(s, serials["order"].id)
        assert order.paid_at is None and bal[f"{buyers}CMD{order.id:06d}"] == bal[buyers] == order.total_cents > 0
    assert bal[funder_acc] > 0 and bal[f"{shops}M0001"] < 0



def test_every_month_reconciles(scheme: tuple[str, Database, dict[str, Any]]) -> None:
    """Month by month: each month's file balances and its shop and funder balances are that month's statement and
    funder invoice; the holders' account summed from the start is the liability at the month's end."""
    _, db, _ = scheme
    shops, holders, funder_acc = (DEFAULTS[r][0] for r in (Role.SHOPS, Role.HOLDERS, Role.FUNDERS))
    topup = DEFAULTS[Role.TOPUP_ACCRUED][0]
    with db.reading() as s:
        months = month_ends(YEAR)
        assert len(months) == 5
        busy = busy_topup = 0
        for month in months:
            _, rows = parse(build_fec(s, month).data)
            by_entry: dict[int, int] = defaultdict(int)
            for r in rows:
                by_entry[int(r[2])] += cents(r[11]) - cents(r[12])
            assert set(by_entry.values()) <= {0}, month
            bal = balances(rows)
            busy += any(bal[f"{shops}{mid}"] for mid in ("M0001", "M0002", "M0003"))
            for mid in ("M0001", "M0002", "M0003"):
                st = shop_statement(s, mid, month.start, month.end)
                assert bal[f"{shops}{mid}"] == st["remittance_cents"] - st["reimbursement_cents"], (mid, month)
            for fid in ("F0001", "F0002"):
                assert bal[f"{funder_acc}{fid}"] == funders.funder_invoice(s, fid, month).topup_cents, (fid, month)
            assert bal[topup] == 0, month  # each month's top-up invoiced or written off at its end
            busy_topup += any(r[4] == topup for r in rows)
            _, upto = parse(build_fec(s, Period(YEAR.start, month.end)).data)
            assert -balances(upto)[holders] == liability.liability(s, month.end).as_json()["buyers_cents"], month
    assert busy >= 2 and busy_topup >= 1  # money moves in several months; top-up in December (it ends in January)

def test_chart_change_after_export(scheme: tuple[str, Database, dict[str, Any]], tmp_path: Path) -> None:
    url, db, _ = scheme
    cli_fec(url, tmp_path / "first.txt")
    first = (tmp_path / "first.txt").read_bytes()
    with db.writing() as s:
        set_accounts(s, {Role.HOLDERS: ("46751", "Porteurs de bons BOOST")}, "expert", at("2027-04-02"))
    with db.reading() as s:
        from voucher_server.models_books import FecExport
        export_id = s.query(FecExport.id).scalar()
        assert reexport(s, int(export_id)).data == first
    cli_fec(url, tmp_path / "again.txt", "--again", str(export_id))
    assert (tmp_path / "again.txt").read_bytes() == first
    cli_fec(url, tmp_path / "new.txt")
    _, rows = parse((tmp_path / "new.txt").read_bytes())
    accounts = {r[4] for r in rows}
    assert "46751" in accounts and "4675" not in accounts
    cli_fec(url, tmp_path / "sheet.csv", "--csv")
    sheet = (tmp_path / "sheet.csv").read_bytes()
    assert sheet.startswith(b"\xef\xbb\xbf") and sheet.decode("utf-8-sig").splitlines()[0] == ";".join(COLUMNS)



def test_cli_accounts_prints_and_changes_the_chart(scheme: tuple[str, Database, dict[str, Any]]) -> None:
    url = scheme[0]
    base = [sys.executable, "-m", "voucher_server.cli", "accounts", "--db", url]
    shown = json.loads(subprocess.run(base, capture_output=True, text=True, check=True).stdout)
    assert shown["accounts"]["breakage"] == ["7718", "Bons non utilisés"]
    bad = subprocess.run([*base, "--role", "breakage", "--number", "9718", "--label", "Boni"],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "class 1 to 8" in bad.stderr
    done = subprocess.run([*base, "--role", "breakage", "--number", "77181", "--label", "Boni", "--by", "expert"],
                          capture_output=True, text=True, check=True)
    after = json.loads(done.stdout)
    assert after["accounts"]["breakage"] == ["77181", "Boni"] and after["version"] > shown["version"]
    assert after["accounts"]["holders"] == shown["accounts"]["holders"]  # the other roles are kept

OPERATOR = {"NAME": "Office du commerce du Port", "ADDRESS": "1 quai Est, 29900 Concarneau",
            "SIRET": "73282932000074", "VAT": "FR44732829320", "IBAN": "FR7610107001011234567890129"}


def test_payouts_invoices_and_provider_fees_reconcile(scheme: tuple[str, Database, dict[str, Any]], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A shop paid, a tobacconist's cash received, commission invoiced (part deducted from the payout), and an
    online provider's payout with its fee: each account's balance is what the money functions say."""
    from sqlalchemy import update

    from voucher_server import admin
    from voucher_server.models import Merchant
    from voucher_server.models_money import PaymentMethod
    from voucher_server.services.commission import CommissionMode, set_commission
    from voucher_server.services.commission_invoices import issue_invoices, list_invoices
    from voucher_server.services.online_settlement import provider_fees, record_payout
    from voucher_server.services.remittance import mark_remittance_received
    from voucher_server.services.settlement import mark_statement_paid

    for key, value in OPERATOR.items():
        monkeypatch.setenv(f"VOUCHER_SERVER_OPERATOR_{key}", value)
    url, db, _ = scheme
    nov, dec = Period(date(2026, 11, 1), date(2026, 11, 30)), Period(date(2026, 12, 1), date(2026, 12, 31))
    with db.writing() as s:
        s.execute(update(Merchant).where(Merchant.id == "M0001").values(
            siret="44306184100047", address="3 rue du Port, 29900 Concarneau"))
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", at("2026-11-25"))
        set_commission(s, "OLD", date(2026, 12, 1), 250, "ana", at("2026-11-25"), mode=CommissionMode.INVOICED)
    with db.writing() as s:
        issue_invoices(s, dec, "ana", at("2027-01-04"))
        paid = mark_statement_paid(s, "M0001", dec, "ana", at("2027-01-05"))
        cash = mark_remittance_received(s, "M0003", nov, PaymentMethod.CASH, "accueil", at("2026-12-02"))
        admin.add_merchant(s, "Paiement en ligne", merchant=False, seller=True, merchant_id="M0009")
        record_payout(s, "M0009", "po_1", date(2027, 1, 8), dec, 5000, 145, "ana", at("2027-01-08"))
    cli_fec(url, tmp_path / "fec.txt")
    _, rows = parse((tmp_path / "fec.txt").read_bytes())
    bal = balances(rows)
    acc = {r: DEFAULTS[r][0] for r in Role}
    with db.reading() as s:
        invoices = list_invoices(s, YEAR)
        assert invoices and any(i.deducted_cents for i in invoices)
        signed = {i.number: (-1 if i.kind.value == "credit_note" else 1) for i in invoices}
        ttc = sum(signed[i.number] * i.ttc_cents for i in invoices if i.merchant_id == "M0001")
        st = shop_statement(s, "M0001", YEAR.start, YEAR.end)
        assert bal[f"{acc[Role.SHOPS]}M0001"] == paid.amount_cents + ttc - st["reimbursement_cents"]
        assert bal[acc[Role.COMMISSION]] == -sum(signed[i.number] * i.commission_cents for i in invoices)
        assert bal[acc[Role.VAT]] == -sum(signed[i.number] * i.vat_cents for i in invoices)
        fees = provider_fees(s, YEAR)
        assert bal[acc[Role.BANK_FEES]] == sum(f.fee_cents for f in fees) == 145
        assert bal[f"{acc[Role.SHOPS]}M0009"] == -sum(f.gross_cents for f in fees)
        assert bal[acc[Role.CASH]] == cash.amount_cents
        assert bal[acc[Role.BANK]] == sum(f.net_cents for f in fees) - paid.amount_cents
    st3 = [r for r in rows if r[6] == f"{acc[Role.SHOPS]}M0003"]
    assert st3 and all(r[0] in ("VT", "BQ") for r in st3)
