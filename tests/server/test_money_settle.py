"""Paying shops (paid state, SEPA pain.001 validated against the official XSD), bank details, bulk orders and
the money CLIs, on the scheme of money_scenario.py (figures hand-computed in test_money.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from voucher_core import codes
from voucher_server.cli import main
from voucher_server.db import Database
from voucher_server.services import bank, orders, sepa, settlement
from voucher_server.services.periods import Period

from .money_scenario import IBAN_A, IBAN_B, OPERATOR_IBAN, SECRET, at, build

DEC = Period(date(2026, 12, 1), date(2026, 12, 31))
NS = {"p": sepa.NS}
REPO = Path(__file__).resolve().parents[2]


def schema() -> etree.XMLSchema:
    xsd = files("sepaxml") / "schemas" / "pain.001.001.03.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


@pytest.fixture
def scheme(db_url: str) -> Iterator[tuple[Database, dict[str, Any]]]:
    serials = build(db_url)
    db = Database(db_url)
    yield db, serials
    db.dispose()


def test_iban_and_bic_checks() -> None:
    assert bank.iban_error(IBAN_A) is None and bank.iban_error("fr14 2004 1010 0505 0001 3m02 606") is None
    assert bank.iban_error("FR7630006000011234567890188") == "bad_checksum"
    assert bank.iban_error("FR76300060000112345678901") == "wrong_length"
    assert bank.iban_error("12345") == "malformed"
    assert bank.bic_error("AGRIFRPP") is None and bank.bic_error("AGRIFRPP882") is None
    assert bank.bic_error("AGRI-FR") == "malformed"


def test_sepa_file_pays_every_shop_due_once(scheme: tuple[Database, dict[str, Any]]) -> None:
    db, _ = scheme
    debtor = sepa.Debtor("Communauté de l'Agglo", OPERATOR_IBAN, "CCBPFRPP")
    with db.writing() as s:
        first = sepa.sepa_credit_transfer(s, DEC, debtor, at("2027-01-05"), date(2027, 1, 6), "03")
        # M0002 has no IBAN yet: left out and said so.
        assert [(d.merchant_id, d.amount_cents) for d in first.included] == [("M0001", 3400)]
        assert [(d.merchant_id, why) for d, why in first.skipped] == [("M0002", sepa.Skip.NO_IBAN)]
        with pytest.raises(ValueError, match="IBAN"):
            bank.set_bank_details(s, "M0002", "FR1420041010050500013M02607")
        bank.set_bank_details(s, "M0002", IBAN_B)
        export = sepa.sepa_credit_transfer(s, DEC, debtor, at("2027-01-05"), date(2027, 1, 6), "03")
    doc = etree.fromstring(export.xml)
    schema().assertValid(doc)
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "46.00"
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    txs = doc.findall(".//p:CdtTrfTxInf", NS)
    assert [(t.findtext(".//p:IBAN", namespaces=NS), t.findtext("p:Amt/p:InstdAmt", namespaces=NS),
             t.findtext("p:Cdtr/p:Nm", namespaces=NS)) for t in txs] == \
        [(IBAN_A, "34.00", "Boulangerie Eclair"), (IBAN_B, "12.00", "Librairie Page")]
    assert txs[0].findtext("p:PmtId/p:EndToEndId", namespaces=NS) == "M0001-20261201-20261231"
    with db.writing() as s:
        paid = sepa.mark_export_paid(s, export, "compta@op.fr", at("2027-01-06"))
        assert [(p.merchant_id, p.amount_cents, p.reference) for p in paid] == \
            [("M0001", 3400, export.message_id), ("M0002", 1200, export.message_id)]
        with pytest.raises(ValueError, match="no shop is due"):
            sepa.sepa_credit_transfer(s, DEC, debtor, at("2027-01-07"), pain="03")
        with pytest.raises(ValueError, match="already paid"):
            settlement.mark_statement_paid(s, "M0001", Period(date(2026, 12, 15), date(2027, 1, 15)), "x",
                                           at("2027-01-07"))
    with db.reading() as s:
        due = settlement.shop_reimbursement(s, "M0001", DEC)
        assert due.paid is not None and due.paid.paid_by == "compta@op.fr" and due.paid.method.value == "sepa"


def test_bulk_order_is_sold_by_the_operator_and_paid_by_transfer(db_url: str) -> None:
    build(db_url)
    db = Database(db_url)
    try:
        with db.writing() as s:
            order = orders.place_order(s, "Entreprise Dupont", "BOOST", 4, "vente@op.fr", at("2026-12-02"), SECRET,
                                       price_cents=950)
            assert (order.count, order.total_cents, len(order.vouchers), order.paid_at) == (4, 3800, 4, None)
            with pytest.raises(ValueError, match="price"):
                orders.place_order(s, "X", "BOOST", 1, "v", at("2026-12-02"), SECRET, price_cents=1201)
            with pytest.raises(ValueError, match="ended"):
                orders.place_order(s, "X", "OLD", 1, "v", at("2027-01-02"), SECRET)
            paid = orders.mark_order_paid(s, order.id, "compta@op.fr", at("2026-12-09"), "VIR 123")
            assert paid.paid_at == at("2026-12-09") and paid.payment_reference == "VIR 123"
            with pytest.raises(ValueError, match="already paid"):
                orders.mark_order_paid(s, order.id, "compta@op.fr", at("2026-12-10"))
        with db.reading() as s:
            from voucher_server.services.liability import liability

            boost = liability(s, date(2026, 12, 2)).campaigns[0]
            assert (boost.counts.sold, boost.counts.ordered) == (5, 7)  # the scenario's 3 plus these 4
    finally:
        db.dispose()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_money_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'money.db'}"
    build(db)
    dec = ["--db", db, "--from", "2026-12-01", "--to", "2026-12-31", "--json"]
    assert run(capsys, "funder-invoice", *dec, "--funder", "F0001", "--pdf", str(tmp_path / "f.pdf"))[
        "topup_cents"] == 450
    rem = run(capsys, "remittance", "--db", db, "--seller", "M0003", "--from", "2026-11-01", "--to", "2026-11-30",
              "--json", "--received", "cash", "--by", "accueil", "--csv", str(tmp_path / "r.csv"))
    assert rem["cash_owed_cents"] == 6600 and rem["received"]["method"] == "cash"
    assert (tmp_path / "r.csv").read_text().splitlines()[1:] == ["BOOST,6,1,5000", "OLD,2,0,1600"]
    assert run(capsys, "liability", "--db", db, "--at", "2026-12-31", "--json")["outstanding_cents"] == 7000
    assert run(capsys, "breakage", "--db", db, "--campaign", "OLD", "--today", "2027-01-01", "--json")[
        "by_funder"] == [{"funder_id": "F0002", "topup_cents": 200}]
    assert [d["amount_cents"] for d in run(capsys, "shops-due", *dec)["shops"]] == [3400, 1200]
    one = run(capsys, "shops-due", *dec, "--merchant", "M0001", "--csv", str(tmp_path / "s.csv"))
    assert one["amount_cents"] == 3400 and (tmp_path / "s.csv").read_text().splitlines()[1:] == \
        ["Bons encaissés,4,4600", "Annulations,1,-1200"]
    run(capsys, "set-bank", "--db", db, "--merchant", "M0002", "--iban", IBAN_B, "--json")
    out = run(capsys, "sepa-export", *dec, "--pain", "03", "--xml", str(tmp_path / "sepa.xml"),
              "--debtor-name", "Opérateur", "--debtor-iban", OPERATOR_IBAN, "--mark-paid", "--by", "compta")
    assert out["control_sum_cents"] == 4600
    schema().assertValid(etree.parse(str(tmp_path / "sepa.xml")))
    assert all(d["paid"]["method"] == "sepa" for d in run(capsys, "shops-due", *dec)["shops"])
    words = subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Facture d'abondement" in words and "4,50 €" in words


def test_order_command(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'order.db'}"
    build(db)
    env = dict(os.environ, VOUCHER_SERVER_SECRET=SECRET)
    out = subprocess.run([sys.executable, "-m", "voucher_server.cli", "order", "--db", db, "--buyer", "Mairie",
                          "--campaign", "BOOST", "--count", "3", "--price-cents", "1000", "--json",
                          "--invoice-pdf", str(tmp_path / "inv.pdf"), "--sheets-pdf", str(tmp_path / "sheets.pdf")],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    order = json.loads(out.stdout)
    assert len(order["vouchers"]) == 3 and order["total_cents"] == 3000 and not order["paid"]
    sheets = " ".join(subprocess.run(["pdftotext", str(tmp_path / "sheets.pdf"), "-"], capture_output=True,
                                     text=True, check=True).stdout.split())
    serial = order["vouchers"][0]
    assert codes.format_serial(serial) in sheets and "puis 10,00 €" in sheets
    invoice = subprocess.run(["pdftotext", str(tmp_path / "inv.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout
    assert "30,00 €" in invoice and "Mairie" in invoice
