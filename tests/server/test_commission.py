"""The operator's commission: dated terms, the rounding rule on awkward amounts, the statement's figures and what
the SEPA file pays, on SQLite and PostgreSQL (scheme of money_scenario.py; cents worked out by hand below)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from voucher_server import statement_files
from voucher_server.db import Database
from voucher_server.services import documents, funders, orders, remittance, settlement
from voucher_server.services.commission import (
    CommissionError,
    CommissionMode,
    CommissionProblem,
    commission_terms,
    half_up,
    set_commission,
    shop_commission,
)
from voucher_server.services.commission_rules import commission_lines
from voucher_server.services.periods import Period
from voucher_server.services.sepa import Debtor, sepa_credit_transfer
from voucher_server.services.statement import shop_statement

from .money_scenario import OPERATOR_IBAN, at, build

DEC = Period(date(2026, 12, 1), date(2026, 12, 31))
NOV = Period(date(2026, 11, 1), date(2026, 11, 30))
BEFORE = at("2026-11-25")  # "now" when the operator sets December's terms


@dataclass(frozen=True)
class Red:
    campaign_id: str
    amount_cents: int
    day: date = date(2026, 12, 5)
    kind: str = "redeem"
    voided: bool = False


@pytest.fixture
def scheme(db_url: str) -> Iterator[tuple[Database, dict[str, Any]]]:
    serials = build(db_url)
    db = Database(db_url)
    yield db, serials
    db.dispose()


def test_half_up_on_integers() -> None:
    assert half_up(1, 500) == 0  # 0.05 cent
    assert half_up(10, 500) == 1  # 0.5 cent: half up
    assert half_up(333, 500) == 17  # 16.65 cents
    assert half_up(17, 2000) == 3  # 3.4 cents
    assert half_up(10**12 + 1, 2000) == 200_000_000_000  # no float anywhere


def test_rounding_once_per_line_not_per_redemption(scheme: tuple[Database, dict[str, Any]]) -> None:
    db, _ = scheme
    with db.writing() as s:
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", BEFORE)
        set_commission(s, "OLD", date(2026, 12, 1), 500, "ana", BEFORE, mode=CommissionMode.INVOICED)
        # 100 redemptions of 10 cents at 5 %: per redemption 100 × round(0.5) = 100 cents; per line 50 cents.
        (tiny,) = commission_lines(s, [Red("BOOST", 10)] * 100)
        assert (tiny.count, tiny.face_value_cents, tiny.commission_cents, tiny.commission_vat_cents) == (100, 1000,
                                                                                                         50, 10)
        (one,) = commission_lines(s, [Red("BOOST", 1)])
        assert (one.commission_cents, one.commission_vat_cents, one.paid_cents) == (0, 0, 1)
        (odd,) = commission_lines(s, [Red("BOOST", 333)])
        assert (odd.commission_cents, odd.commission_vat_cents, odd.commission_ttc_cents, odd.paid_cents) == (
            17, 3, 20, 313)
        # VAT once on the rate's HT: 17 + 17 = 34 HT, VAT 6.8 -> 7 (per line it would be 3 + 3), shared 4 + 3.
        both = commission_lines(s, [Red("BOOST", 333), Red("OLD", 333)])
        assert [x.commission_vat_cents for x in both] == [4, 3]
        assert [x.paid_cents for x in both] == [333 - 21, 333]  # OLD is invoiced apart: paid in full
        # Voided redemptions and sales carry no commission.
        assert commission_lines(s, [Red("BOOST", 1200, voided=True), Red("BOOST", 1200, kind="activate")]) == []


def test_statement_and_sepa_pay_face_value_less_deducted(scheme: tuple[Database, dict[str, Any]]) -> None:
    db, _ = scheme
    with db.writing() as s:
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", BEFORE)
        set_commission(s, "OLD", date(2026, 12, 1), 250, "ana", BEFORE, mode=CommissionMode.INVOICED)
    with db.reading() as s:
        # M0001 in December: BOOST v0 + order[0] = 24,00 € (v1 voided), OLD o0 = 10,00 €.
        # HT: BOOST 2400 × 5 % = 120, OLD 1000 × 2,5 % = 25; VAT 20 % of 145 = 29, shared 24 / 5.
        c = shop_commission(s, "M0001", DEC)
        camp = c.by_campaign()
        assert camp["BOOST"] == {"face_value_cents": 2400, "commission_cents": 120, "commission_vat_cents": 24,
                                 "commission_ttc_cents": 144, "deducted_cents": 144, "paid_cents": 2256,
                                 "mode": "deducted"}
        assert camp["OLD"] == {"face_value_cents": 1000, "commission_cents": 25, "commission_vat_cents": 5,
                               "commission_ttc_cents": 30, "deducted_cents": 0, "paid_cents": 1000,
                               "mode": "invoiced"}
        assert (c.face_value_cents, c.commission_cents, c.commission_vat_cents, c.paid_cents,
                c.invoiced_cents) == (3400, 145, 29, 3256, 30)
        st = shop_statement(s, "M0001", DEC.start, DEC.end)
        assert st["reimbursement_cents"] == c.face_value_cents
        assert (st["commission_cents"], st["commission_vat_cents"], st["commission_ttc_cents"],
                st["paid_cents"]) == (145, 29, 174, 3256)
        due = settlement.shop_reimbursement(s, "M0001", DEC)
        assert (due.face_value_cents, due.amount_cents) == (3400, 3256)
        export = sepa_credit_transfer(s, DEC, Debtor("Office", OPERATOR_IBAN), at("2027-01-05"), pain="03")
        assert [(d.merchant_id, d.amount_cents) for d in export.included] == [("M0001", 3256)]
        assert b"<InstdAmt Ccy=\"EUR\">32.56</InstdAmt>" in export.xml


def test_terms_are_dated_and_never_retroactive(scheme: tuple[Database, dict[str, Any]]) -> None:
    db, _ = scheme
    with db.writing() as s:
        assert commission_terms(s, "BOOST", date(2026, 12, 5)).as_json() == {
            "rate_bp": 0, "vat_bp": 2000, "mode": "deducted", "from": None}
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", BEFORE)
        set_commission(s, "BOOST", date(2026, 12, 20), 300, "ana", at("2026-12-10"), vat_bp=550)
        assert commission_terms(s, "BOOST", date(2026, 11, 30)).rate_bp == 0
        assert commission_terms(s, "BOOST", date(2026, 12, 19)).rate_bp == 500
        assert commission_terms(s, "BOOST", date(2026, 12, 20)).as_json() == {
            "rate_bp": 300, "vat_bp": 550, "mode": "deducted", "from": "2026-12-20"}
        # M0001's December: v0 (05/12) at 5 %, order[0] (20/12) at 3 %: two lines, each rounded once.
        lines = shop_commission(s, "M0001", DEC).lines
        assert [(x.campaign_id, x.terms.rate_bp, x.face_value_cents, x.commission_cents) for x in lines] == [
            ("BOOST", 500, 1200, 60), ("BOOST", 300, 1200, 36), ("OLD", 0, 1000, 0)]
        with pytest.raises(CommissionError) as err:
            set_commission(s, "BOOST", date(2026, 12, 9), 100, "ana", at("2026-12-10"))
        assert err.value.code is CommissionProblem.RETROACTIVE
        for rate, vat in ((10_001, 0), (8_334, 2_000), (100, -1)):  # 83,34 % + 20 % VAT is above 100 %
            with pytest.raises(CommissionError) as err:
                set_commission(s, "BOOST", date(2027, 1, 1), rate, "ana", at("2026-12-10"), vat_bp=vat)
            assert err.value.code is CommissionProblem.BAD_RATE
        with pytest.raises(CommissionError) as err:
            set_commission(s, "NOPE", date(2027, 1, 1), 100, "ana", at("2026-12-10"))
        assert err.value.code is CommissionProblem.UNKNOWN_CAMPAIGN
        # A statement paid through 31/12 closes every day up to it, even days not begun yet.
        settlement.mark_statement_paid(s, "M0002", DEC, "ana", at("2026-12-10"))
        with pytest.raises(CommissionError) as err:
            set_commission(s, "BOOST", date(2026, 12, 28), 100, "ana", at("2026-12-10"))
        assert err.value.code is CommissionProblem.PERIOD_CLOSED
        assert set_commission(s, "BOOST", date(2027, 1, 1), 100, "ana", at("2026-12-10")).rate_bp == 100
        assert set_commission(s, "OLD", date(2027, 1, 1), 8_333, "ana", at("2026-12-10")).rate_bp == 8_333


def test_documents_say_vouchers_carry_no_vat(scheme: tuple[Database, dict[str, Any]], tmp_path: Path) -> None:
    db, serials = scheme
    with db.writing() as s:
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", BEFORE)
        due = settlement.shop_reimbursement(s, "M0001", DEC)
        order = orders.get_order(s, serials["order"].id)
        docs = {"statement": documents.statement_document(due),
                "remittance": documents.remittance_document(remittance.remittance(s, "M0003", NOV)),
                "funder": documents.funder_invoice_document(funders.funder_invoice(s, "F0001", DEC)),
                "order": documents.order_invoice_document(order)}
        statement_files.write_pdf(shop_statement(s, "M0001", DEC.start, DEC.end), tmp_path / "detail.pdf")
    for name, doc in docs.items():
        (tmp_path / f"{name}.pdf").write_bytes(documents.render_pdf(doc))
    for name in [*docs, "detail"]:
        words = " ".join(subprocess.run(["pdftotext", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True,
                                        text=True, check=True).stdout.split())
        assert "multi-usages (CGI art. 256 ter)" in words, name
    # The statement's figures, as its PDF says them: 24,00 + 10,00 face value, 1,20 HT, 0,24 VAT, 32,56 paid.
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "statement.pdf"), "-"], capture_output=True,
                                    text=True, check=True).stdout.split())
    for text in ("Valeur faciale encaissée : 34,00 €", "Commission HT : 1,20 €", "TVA sur la commission : 0,24 €",
                 "Commission TTC : 1,44 €", "À vous verser : 32,56 €"):
        assert text in words, text
