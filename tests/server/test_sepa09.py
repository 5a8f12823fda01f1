"""SEPA credit transfers in pain.001.001.09 with structured addresses (the default), .03 on request, both checked
against the official schemas sepaxml ships; refused, naming who lacks an address, before any file is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from lxml import etree

from voucher_server.db import Database
from voucher_server.services import bank, postal, sepa
from voucher_server.services.periods import Period

from .money_scenario import IBAN_B, OPERATOR_IBAN, at, build

DEC = ["--from", "2026-12-01", "--to", "2026-12-31"]
OPERATOR_ADDRESS = {"VOUCHER_SERVER_OPERATOR_STREET": "Place de la Comédie", "VOUCHER_SERVER_OPERATOR_BUILDING": "1",
                    "VOUCHER_SERVER_OPERATOR_POSTCODE": "69001", "VOUCHER_SERVER_OPERATOR_TOWN": "Lyon",
                    "VOUCHER_SERVER_OPERATOR_COUNTRY": "FR"}
OPERATOR = sepa.Debtor("Office du commerce", OPERATOR_IBAN, "CCBPFRPP",
                       sepa.Address("Place de la Comédie", "1", "69001", "Lyon", "FR"))


def schema(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(files("sepaxml") / "schemas" / f"pain.001.001.{version}.xsd")))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    build(db_url)
    database = Database(db_url)
    with database.writing() as s:
        bank.set_bank_details(s, "M0001", "FR7630006000011234567890189", "AGRIFRPP")
        bank.set_bank_details(s, "M0002", IBAN_B)
    yield database
    database.dispose()


def addresses(database: Database) -> None:
    with database.writing() as s:
        postal.set_postal_address(s, "M0001", "Rue de la République", "12 bis", "69002", "Lyon", "fr")
        postal.set_postal_address(s, "M0002", "Grande Rue de la Croix-Rousse", "", "69004", "Lyon")


def test_pain09_is_valid_with_structured_addresses(db: Database) -> None:
    addresses(db)
    with db.reading() as s:
        export = sepa.sepa_credit_transfer(s, Period(date(2026, 12, 1), date(2026, 12, 31)), OPERATOR,
                                           at("2027-01-05"), date(2027, 1, 6))
    doc = etree.fromstring(export.xml)
    v09 = schema("09")
    assert v09.validate(doc), v09.error_log
    assert not schema("03").validate(doc)  # really the .09 layout, not .03 under another name
    ns = {"p": sepa.NS_09}
    pmt = doc.find("p:CstmrCdtTrfInitn/p:PmtInf", ns)
    assert pmt is not None
    assert pmt.findtext("p:ReqdExctnDt/p:Dt", namespaces=ns) == "2027-01-06"
    assert pmt.findtext("p:DbtrAgt/p:FinInstnId/p:BICFI", namespaces=ns) == "CCBPFRPP"
    dbtr = pmt.find("p:Dbtr/p:PstlAdr", ns)
    assert dbtr is not None and [(el.tag.split("}")[1], el.text) for el in dbtr] == \
        [("StrtNm", "Place de la Comedie"), ("BldgNb", "1"), ("PstCd", "69001"), ("TwnNm", "Lyon"), ("Ctry", "FR")]
    txs = {t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns): t for t in pmt.iterfind("p:CdtTrfTxInf", ns)}
    first = txs["FR7630006000011234567890189"]
    assert first.findtext("p:CdtrAgt/p:FinInstnId/p:BICFI", namespaces=ns) == "AGRIFRPP"
    assert first.findtext("p:Amt/p:InstdAmt", namespaces=ns) == "34.00"
    adr = first.find("p:Cdtr/p:PstlAdr", ns)
    assert adr is not None and [(el.tag.split("}")[1], el.text) for el in adr] == \
        [("StrtNm", "Rue de la Republique"), ("BldgNb", "12 bis"), ("PstCd", "69002"), ("TwnNm", "Lyon"),
         ("Ctry", "FR")]
    second = txs[IBAN_B].find("p:Cdtr/p:PstlAdr", ns)
    assert second is not None and second.find("p:BldgNb", ns) is None  # no number: left out, not blank
    assert second.findtext("p:StrtNm", namespaces=ns) == "Grande Rue de la Croix-Rousse"


def test_pain03_on_request_is_valid(db: Database) -> None:
    with db.reading() as s:  # .03 does not require addresses: none entered here
        export = sepa.sepa_credit_transfer(s, Period(date(2026, 12, 1), date(2026, 12, 31)), OPERATOR,
                                           at("2027-01-05"), date(2027, 1, 6), pain="03")
    doc = etree.fromstring(export.xml)
    assert schema("03").validate(doc), schema("03").error_log
    ns = {"p": sepa.NS}
    assert doc.findtext(".//p:PmtInf/p:ReqdExctnDt", namespaces=ns) == "2027-01-06"
    assert doc.findtext(".//p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=ns) == "CCBPFRPP"


def test_missing_addresses_are_named(db: Database) -> None:
    period = Period(date(2026, 12, 1), date(2026, 12, 31))
    with db.writing() as s:
        postal.set_postal_address(s, "M0001", "Rue de la République", "12", "69002", "Lyon")
    with db.reading() as s, pytest.raises(sepa.MissingAddress) as err:
        sepa.sepa_credit_transfer(s, period, OPERATOR, at("2027-01-05"))
    assert err.value.shops == ["M0002"] and not err.value.operator
    no_address = sepa.Debtor(OPERATOR.name, OPERATOR.iban, OPERATOR.bic)
    with db.reading() as s, pytest.raises(sepa.MissingAddress) as err:
        sepa.sepa_credit_transfer(s, period, no_address, at("2027-01-05"))
    assert err.value.operator and err.value.shops == ["M0002"]


def cli(db_url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("VOUCHER_SERVER_OPERATOR_")}
    full.update({"VOUCHER_SERVER_OPERATOR_NAME": "Office du commerce", "VOUCHER_SERVER_OPERATOR_IBAN": OPERATOR_IBAN})
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "voucher_server.cli", *args, "--db", db_url], env=full,
                          capture_output=True, text=True, timeout=120)


def test_cli_refuses_before_writing_then_writes_09_and_03(db: Database, db_url: str, tmp_path: Path) -> None:
    xml = tmp_path / "virements.xml"
    done = cli(db_url, "sepa-export", *DEC, "--xml", str(xml), env=OPERATOR_ADDRESS)
    assert done.returncode != 0 and not xml.exists()
    fr, en = done.stderr.index("adresse postale structurée manquante"), done.stderr.index("structured postal address")
    assert fr < en and "M0001 Boulangerie" in done.stderr and "M0002 Librairie Page" in done.stderr
    assert "l'opérateur" not in done.stderr
    # The operator's address missing too: named as well, still no file.
    done = cli(db_url, "sepa-export", *DEC, "--xml", str(xml))
    assert done.returncode != 0 and not xml.exists() and "l'opérateur" in done.stderr and "the operator" in done.stderr

    bad = cli(db_url, "shop-address", "--merchant", "M0001", "--street", "Rue de la République", "--postcode", "",
              "--town", "Lyon", "--country", "France")
    assert bad.returncode != 0 and "post_code" in bad.stderr and "country" in bad.stderr
    for mid, street, number in (("M0001", "Rue de la République", "12"), ("M0002", "Rue Royale", "")):
        done = cli(db_url, "shop-address", "--merchant", mid, "--street", street, "--building", number,
                   "--postcode", "69001", "--town", "Lyon", "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["street_name"] == street
    with db.reading() as s:
        row = postal.postal_address(s, "M0001")
        assert row is not None and (row.building_number, row.post_code, row.country) == ("12", "69001", "FR")

    done = cli(db_url, "sepa-export", *DEC, "--xml", str(xml), "--json", env=OPERATOR_ADDRESS)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["control_sum_cents"] == 4600
    assert schema("09").validate(etree.parse(str(xml))), schema("09").error_log
    old = tmp_path / "virements03.xml"
    done = cli(db_url, "sepa-export", *DEC, "--pain", "03", "--xml", str(old))  # .03: no address needed
    assert done.returncode == 0, done.stderr
    assert schema("03").validate(etree.parse(str(old))), schema("03").error_log


def test_unknown_shop_address_is_refused(db: Database) -> None:
    with db.writing() as s, pytest.raises(ValueError, match="M9999"):
        postal.set_postal_address(s, "M9999", "Rue Royale", "1", "69001", "Lyon")


