"""The commission's CLI end to end on a real database: terms, the statement's new figures, invoices issued once,
a credit note, the PDF and Factur-X files, and the refusals with their stable codes. The CLI reads the real
clock, so the shop's redemption is written on tomorrow's business day."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from facturx import get_facturx_xml_from_pdf

from voucher_core.timeutil import PARIS, business_day, utc_now
from voucher_server.db import Database

from .money_scenario import OPERATOR_IBAN, Book, build

REPO = Path(__file__).resolve().parents[2]


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, VOUCHER_SERVER_SECRET="x", VOUCHER_SERVER_OPERATOR_NAME="Office du Port",
               VOUCHER_SERVER_OPERATOR_ADDRESS="1 quai Est, 29900 Concarneau",
               VOUCHER_SERVER_OPERATOR_SIRET="73282932000074", VOUCHER_SERVER_OPERATOR_VAT="FR44732829320",
               VOUCHER_SERVER_OPERATOR_IBAN=OPERATOR_IBAN)
    return subprocess.run([sys.executable, "-m", "voucher_server.cli", *args, "--db", url], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def _json(out: subprocess.CompletedProcess[str]) -> Any:
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_commission_cli(db_url: str, tmp_path: Path) -> None:
    serials = build(db_url)
    tomorrow = business_day(utc_now()) + timedelta(days=1)
    day = tomorrow.isoformat()
    got = _json(_cli(db_url, "commission-set", "--campaign", "BOOST", "--rate-bp", "500", "--from", day,
                     "--mode", "deducted", "--json"))
    assert got["set"] == {"rate_bp": 500, "vat_bp": 2000, "mode": "deducted", "from": day}
    late = _cli(db_url, "commission-set", "--campaign", "BOOST", "--rate-bp", "100", "--from",
                business_day(utc_now()).isoformat(), "--json")
    assert late.returncode == 0, late.stderr  # today itself is not in the past
    past = _cli(db_url, "commission-set", "--campaign", "BOOST", "--rate-bp", "100", "--from",
                (tomorrow - timedelta(days=2)).isoformat())
    assert past.returncode == 1 and "commission_retroactive" in past.stderr
    db = Database(db_url)
    with db.writing() as s:
        Book(s).redeem(serials["boost"][4], "M0001",
                       datetime.combine(tomorrow, time(11), PARIS).astimezone(UTC), 1200)
    db.dispose()
    # 12,00 € at 5 %: 60 HT, 12 VAT, 72 TTC deducted: 11,28 € paid.
    st = _json(_cli(db_url, "statement", "--merchant", "M0001", "--from", day, "--to", day, "--json"))
    assert (st["reimbursement_cents"], st["commission_cents"], st["commission_vat_cents"], st["paid_cents"]) == (
        1200, 60, 12, 1128)
    due = _json(_cli(db_url, "shops-due", "--from", day, "--to", day, "--json"))
    assert [(d["merchant_id"], d["amount_cents"]) for d in due["shops"]] == [("M0001", 1128)]
    preview = _json(_cli(db_url, "commission-invoices", "--from", day, "--to", day, "--json"))
    assert preview["invoices"] == [] and [c["commission_cents"] for c in preview["to_invoice"]] == [60]
    files = tmp_path / "invoices"
    issued = _json(_cli(db_url, "commission-invoices", "--from", day, "--to", day, "--issue", "--json",
                        "--pdf-dir", str(files)))
    assert issued["issued"] == ["FC-000001"] and issued["invoices"][0]["ttc_cents"] == 72
    again = _json(_cli(db_url, "commission-invoices", "--from", day, "--to", day, "--issue", "--json"))
    assert again["issued"] == [] and len(again["invoices"]) == 1
    assert (files / "FC-000001.pdf").read_bytes()[:5] == b"%PDF-"
    name, xml = get_facturx_xml_from_pdf((files / "FC-000001-facturx.pdf").read_bytes(), check_xsd=True)
    assert name == "factur-x.xml" and b"<ram:GrandTotalAmount>0.72</ram:GrandTotalAmount>" in xml
    note = _json(_cli(db_url, "credit-note", "--invoice", "FC-000001", "--reason", "erreur de taux", "--json"))
    assert (note["number"], note["kind"], note["corrects"]) == ("FC-000002", "credit_note", "FC-000001")
    twice = _cli(db_url, "credit-note", "--invoice", "FC-000001", "--reason", "encore")
    assert twice.returncode == 1 and "invoice_already_credited" in twice.stderr
