"""Commission invoices and credit notes: one unbroken numbering (also under concurrent issuers on PostgreSQL),
no duplicate for a period, a credit note per invoice, the French mentions in the PDF, and a Factur-X PDF whose
embedded XML passes facturx's EN 16931 XSD and carries the invoice's figures."""

from __future__ import annotations

import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from sqlalchemy import update

from voucher_server.db import Database
from voucher_server.invoice_files import RAM, RSM, facturx_pdf, facturx_xml, invoice_pdf
from voucher_server.models import Merchant
from voucher_server.models_commission import InvoiceKind
from voucher_server.services.commission import (
    CommissionError,
    CommissionMode,
    CommissionProblem,
    set_commission,
    shop_commission,
)
from voucher_server.services.commission_invoices import (
    InvoiceError,
    InvoiceProblem,
    issue_credit_note,
    issue_invoices,
    list_invoices,
)
from voucher_server.services.periods import Period

from .money_scenario import OPERATOR_IBAN, at, build

DEC = Period(date(2026, 12, 1), date(2026, 12, 31))
FEB = Period(date(2027, 2, 1), date(2027, 2, 28))
OPERATOR = {"NAME": "Office du commerce du Port", "ADDRESS": "1 quai Est, 29900 Concarneau",
            "SIRET": "73282932000074", "VAT": "FR44732829320", "IBAN": OPERATOR_IBAN}


@pytest.fixture
def scheme(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    for key, value in OPERATOR.items():
        monkeypatch.setenv(f"VOUCHER_SERVER_OPERATOR_{key}", value)
    build(db_url)
    db = Database(db_url)
    with db.writing() as s:
        s.execute(update(Merchant).where(Merchant.id == "M0001").values(
            siret="44306184100047", address="3 rue du Port, 29900 Concarneau"))
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", at("2026-11-25"))
        set_commission(s, "OLD", date(2026, 12, 1), 250, "ana", at("2026-11-25"), mode=CommissionMode.INVOICED)
    yield db
    db.dispose()


def test_issue_once_credit_note_and_reissue(scheme: Database) -> None:
    with scheme.writing() as s:
        first = issue_invoices(s, DEC, "ana", at("2027-01-04"))
        # M0001: HT 145, VAT 29 (see test_commission.py); M0002: BOOST v2 12 € at 5 % = 60 HT, 12 VAT.
        assert [(i.number, i.merchant_id, i.commission_cents, i.vat_cents, i.ttc_cents, i.deducted_cents,
                 i.to_pay_cents) for i in first.issued] == [("FC-000001", "M0001", 145, 29, 174, 144, 30),
                                                            ("FC-000002", "M0002", 60, 12, 72, 72, 0)]
        c = shop_commission(s, "M0001", DEC)
        assert (first.issued[0].face_value_cents, first.issued[0].ttc_cents) == (c.face_value_cents,
                                                                                  c.commission_ttc_cents)
        assert first.issued[0].due_day == date(2027, 2, 3) and first.issued[0].issue_day == date(2027, 1, 4)
        again = issue_invoices(s, DEC, "ana", at("2027-01-05"))
        assert again.issued == [] and [i.number for i in again.existing] == ["FC-000001", "FC-000002"]
        with pytest.raises(CommissionError) as err:  # an invoiced day can no longer change its terms
            set_commission(s, "BOOST", date(2026, 12, 31), 100, "ana", at("2026-12-30"))
        assert err.value.code is CommissionProblem.PERIOD_CLOSED
        note = issue_credit_note(s, "FC-000001", "taux erroné", "ana", at("2027-01-06"))
        assert (note.number, note.kind, note.corrects, note.ttc_cents) == ("FC-000003", InvoiceKind.CREDIT_NOTE,
                                                                           "FC-000001", 174)
        for number, reason, code in (("FC-000001", "encore", InvoiceProblem.ALREADY_CREDITED),
                                     ("FC-000003", "avoir", InvoiceProblem.NOT_AN_INVOICE),
                                     ("FC-000002", " ", InvoiceProblem.REASON_MISSING),
                                     ("FC-999999", "x", InvoiceProblem.UNKNOWN_INVOICE)):
            with pytest.raises(InvoiceError) as bad:
                issue_credit_note(s, number, reason, "ana", at("2027-01-06"))
            assert bad.value.code is code
        third = issue_invoices(s, DEC, "ana", at("2027-01-07"))
        assert [i.number for i in third.issued] == ["FC-000004"] and third.issued[0].merchant_id == "M0001"
        listed = list_invoices(s, DEC)
        assert [(i.number, i.credited_by) for i in listed] == [("FC-000001", "FC-000003"), ("FC-000002", None),
                                                               ("FC-000003", None), ("FC-000004", None)]


def test_operator_identity_is_required(scheme: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOUCHER_SERVER_OPERATOR_VAT")
    with scheme.writing() as s, pytest.raises(InvoiceError) as err:
        issue_invoices(s, DEC, "ana", at("2027-01-04"))
    assert err.value.code is InvoiceProblem.OPERATOR_INCOMPLETE and "vat_number" in str(err.value)
    with scheme.reading() as s:
        assert list_invoices(s) == []


def _amount(root: ET.Element, tag: str) -> str:
    found = root.find(f".//{{{RAM}}}{tag}")
    assert found is not None and found.text is not None, tag
    return found.text


def test_pdf_mentions_and_facturx(scheme: Database, tmp_path: Any) -> None:
    with scheme.writing() as s:
        inv = issue_invoices(s, DEC, "ana", at("2027-01-04")).issued[0]
        note = issue_credit_note(s, inv.number, "taux erroné", "ana", at("2027-01-06"))
    (tmp_path / "f.pdf").write_bytes(invoice_pdf(inv))
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True,
                                    text=True, check=True).stdout.split())
    for mention in ("Facture n° FC-000001", "Office du commerce du Port", "SIRET 73282932000074",
                    "TVA intracommunautaire FR44732829320", "Boulangerie Éclair", "SIRET 44306184100047",
                    "3 rue du Port", "Date : 04/01/2027", "Échéance : 03/02/2027", "Total HT : 1,45 €",
                    "TVA 20,00 % sur 1,45 € : 0,29 €", "Total TTC : 1,74 €", "Reste à payer : 0,30 €",
                    "40 €", "pénalités", "256 ter"):
        assert mention in words, mention
    (tmp_path / "a.pdf").write_bytes(invoice_pdf(note))
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True,
                                    text=True, check=True).stdout.split())
    for mention in ("Avoir n° FC-000003", "Annule la facture n° FC-000001 · Motif : taux erroné",
                    "Montant de l'avoir TTC : 1,74 €", "SIRET 44306184100047"):
        assert mention in words, mention
    for doc, type_code in ((inv, "380"), (note, "381")):
        pdf = facturx_pdf(doc)
        name, xml = get_facturx_xml_from_pdf(pdf, check_xsd=True)
        assert name == "factur-x.xml" and xml == facturx_xml(doc)
        assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
        root = ET.fromstring(xml)
        assert _amount(root, "TypeCode") == type_code
        assert root.findtext(f"{{{RSM}}}ExchangedDocument/{{{RAM}}}ID") == doc.number
        assert (_amount(root, "TaxBasisTotalAmount"), _amount(root, "TaxTotalAmount"),
                _amount(root, "GrandTotalAmount"), _amount(root, "DuePayableAmount")) == ("1.45", "0.29", "1.74",
                                                                                          "0.30")
        lines = root.findall(f".//{{{RAM}}}LineTotalAmount")
        assert sum(round(float(x.text or 0) * 100) for x in lines[:-1]) == doc.commission_cents
    assert _amount(ET.fromstring(facturx_xml(note)), "IssuerAssignedID") == "FC-000001"
    # An XML that lies about its profile's rules is refused by the same check: the test can fail.
    broken = facturx_xml(inv).replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
    with pytest.raises(Exception, match="XML Schema Definition"):
        xml_check_xsd(broken, flavor="factur-x", level="en16931")


@pytest.mark.postgres
def test_concurrent_issuers_leave_no_gap_and_no_duplicate(pg_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in OPERATOR.items():
        monkeypatch.setenv(f"VOUCHER_SERVER_OPERATOR_{key}", value)
    url = pg_server()
    build(url)
    setup = Database(url)
    with setup.writing() as s:
        set_commission(s, "BOOST", date(2026, 12, 1), 500, "ana", at("2026-11-25"))
    setup.dispose()
    periods = [DEC, DEC, DEC, FEB, FEB, Period(date(2027, 2, 10), date(2027, 2, 10))]
    start = threading.Barrier(len(periods))
    errors: list[BaseException] = []

    def issue(period: Period) -> None:
        db = Database(url)  # one engine each, so nothing queues in Python: PostgreSQL orders them
        try:
            start.wait()
            with db.writing() as s:
                issue_invoices(s, period, "ana", at("2027-03-01"))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=issue, args=(p,)) for p in periods]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    check = Database(url)
    with check.reading() as s:
        got = list_invoices(s)
    check.dispose()
    # December: M0001 and M0002; February: M0001 (v3 on 15/02) and M0002 (v1 on 10/02), whichever of the two
    # overlapping periods got the lock first (the other then finds M0002's live invoice and leaves it).
    assert [i.seq for i in got] == [1, 2, 3, 4]
    assert sorted(i.merchant_id for i in got if i.period == DEC) == ["M0001", "M0002"]
    assert sorted(i.merchant_id for i in got if i.period != DEC) == ["M0001", "M0002"]
