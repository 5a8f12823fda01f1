"""Money pages in a real browser: a shop's statement marked paid, the SEPA file validated against the pain.001
schema, a bulk order placed, the liability the same as the CLI's."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import requests
from lxml import etree

from voucher_server.testing import LiveServer

from .conftest import ADMIN, login

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
IBANS = {"M0001": "FR76 3000 6000 0112 3456 7890 189", "M0002": "DE89 3704 0044 0532 0130 00"}


def pain001_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(files("sepaxml") / "schemas" / "pain.001.001.09.xsd")))


def redeem_at(server: LiveServer, merchant_index: int, count: int, tag: str) -> None:
    """Redeem ``count`` of the seed's sold vouchers at a shop's till, for real, through the API."""
    token = [t["token"] for t in server.seed["terminals"] if t["role"] == "merchant" and t["in_campaign"]]
    sold = [v for v in server.seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "active"]
    offset = {"m1": 0, "m2": 100}[tag]
    for i, v in enumerate(sold[offset:offset + count]):
        r = requests.post(f"{server.url}/api/v1/vouchers/{v['code']}/redeem", timeout=10,
                          headers={"Authorization": f"Bearer {token[merchant_index]}"},
                          json={"idempotency_key": f"console-money-{tag}-{i:03d}"})
        assert r.status_code == 200, r.text


def sepa_download(page: Any) -> bytes:
    with page.expect_download() as info:
        page.click("#sepa")
    return Path(info.value.path()).read_bytes()


def test_statement_paid_and_sepa_file(page: Any, server: LiveServer) -> None:
    redeem_at(server, 0, 3, "m1")  # Boulangerie Martin, 3 × 12 €
    redeem_at(server, 2, 2, "m2")  # Librairie du Centre, 2 × 12 €
    login(page, *ADMIN)
    for mid, iban in IBANS.items():
        page.goto(f"/console/merchants/{mid}")
        page.fill("input[name=iban]", iban)
        page.click(f"form[action='/console/merchants/{mid}'] button")
        assert page.locator("p.notice").count() == 1
    page.goto("/console/statements")
    page.click("#sepa")  # no structured address yet: refused, the shops named, no file
    refused = page.locator("p.notice").inner_text()
    assert "adresse postale structurée manquante" in refused and "M0001" in refused and "M0002" in refused
    for mid in IBANS:
        page.goto(f"/console/merchants/{mid}")
        page.fill("input[name=street_name]", "Rue Mercière")
        page.fill("input[name=post_code]", "69002")
        page.fill("input[name=town_name]", "Lyon")
        page.click(f"form[action='/console/merchants/{mid}'] button")
        assert page.locator("p.notice").count() == 1
    page.goto("/console/statements")
    assert "36,00" in page.locator("#due-M0001").inner_text()
    xml = sepa_download(page)
    doc = etree.fromstring(xml)
    assert pain001_schema().validate(doc), pain001_schema().error_log
    creditors = {t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS): t.findtext("p:Amt/p:InstdAmt", namespaces=NS)
                 for t in doc.iterfind(".//p:CdtTrfTxInf", NS)}
    assert creditors == {"FR7630006000011234567890189": "36.00", "DE89370400440532013000": "24.00"}
    row = page.locator("#due-M0001")
    detail = page.request.get(str(row.get_by_role("link", name="détail par jour et par caisse").get_attribute("href")))
    assert detail.status == 200 and detail.body().startswith(b"%PDF")
    row.locator("input[name=reference]").fill("VIR-2026-11")
    row.locator("button", has_text="Marquer payé").click()
    assert page.locator("p.notice").inner_text() == "Relevé marqué payé."
    assert "Payé" in page.locator("#due-M0001").inner_text()
    again = etree.fromstring(sepa_download(page))  # the paid shop is left out of the next file
    assert [t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) for t in again.iterfind(".//p:CdtTrfTxInf", NS)] \
        == ["DE89370400440532013000"]
    page.goto("/console/audit?target=statement:M0001")
    assert page.locator("table.audit tbody tr").count() == 1


def test_bulk_order_and_liability(page: Any, server: LiveServer) -> None:
    login(page, *ADMIN)
    page.goto("/console/orders")
    page.fill("input[name=buyer]", "Mairie de Villeurbanne")
    page.select_option("select[name=campaign_id]", "BOOST24")
    page.fill("input[name=count]", "-4")
    page.click("form[action='/console/orders'] button")
    assert page.locator("#e-count").count() == 1
    page.fill("input[name=count]", "4")
    page.click("form[action='/console/orders'] button")
    assert page.locator("p.notice").inner_text() == "Commande enregistrée : 4 bons activés."
    assert page.locator("#order-total").inner_text().startswith("40,00")
    serials = page.locator("p.serials a").all_inner_texts()
    assert len(serials) == 4
    for link in ("Facture (PDF)", "Planches de bons (PDF)"):
        pdf = page.request.get(str(page.get_by_role("link", name=link).get_attribute("href")))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF"), link
    page.fill("input[name=reference]", "VIR-MAIRIE-1")
    page.click("form[action$='/paid'] button")
    assert "Payé" in page.locator("dl.kpis").inner_text()
    page.goto(f"/console/vouchers/{serials[0]}")
    assert "vendu, valable" in page.locator("p.state").inner_text()
    page.goto("/console/liability")
    shown = page.locator("#liability-total").inner_text()
    cli = subprocess.run([sys.executable, "-m", "voucher_server.cli", "liability", "--db", server.db_url,
                          "--at", page.locator("input[name=at]").input_value(), "--json"], capture_output=True,
                         text=True, env=server.env, timeout=60)
    assert cli.returncode == 0, cli.stderr
    from voucher_core.money import format_cents

    assert shown == format_cents(json.loads(cli.stdout)["outstanding_cents"])
