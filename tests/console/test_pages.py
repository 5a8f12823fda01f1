"""The admin's pages in a real browser: campaigns, shops and tills, vouchers, the dashboard, the audit trail."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import requests

from voucher_server.testing import LiveServer

from .conftest import ADMIN, error_of, login


def create_with_refusals(page: Any, start: date, end: date) -> None:
    """Create NOEL26, each bad input refused first with its message next to the field."""
    page.goto("/console/campaigns/new")
    page.fill("input[name=campaign_id]", "NOEL26")
    page.fill("input[name=name]", "Noël des commerces")
    page.fill("input[name=face_value_cents]", "12,00")  # euros typed in a cents field
    page.fill("input[name=sale_price_cents]", "-5")
    page.fill("input[name=valid_from]", start.isoformat())
    page.fill("input[name=valid_until]", (start - timedelta(days=1)).isoformat())
    page.click("main button[type=submit]")
    assert "centimes" in error_of(page, "face_value_cents")
    assert error_of(page, "sale_price_cents") == "Un montant ne peut pas être négatif."
    page.fill("input[name=face_value_cents]", "12")  # 12 cents: surely 12 euros
    page.fill("input[name=sale_price_cents]", "1000")
    page.click("main button[type=submit]")
    assert "1200 pour 12,00" in error_of(page, "face_value_cents")
    page.fill("input[name=face_value_cents]", "1200")
    page.click("main button[type=submit]")
    assert error_of(page, "valid_until") == "La fin est avant le début."
    page.fill("input[name=valid_until]", end.isoformat())
    page.fill("input[name=topup_until]", (end + timedelta(days=1)).isoformat())  # a temporary top-up, misdated
    page.click("main button[type=submit]")
    assert error_of(page, "topup_until") == "Entre le premier et le dernier jour de la campagne."
    page.fill("input[name=topup_until]", (end - timedelta(days=20)).isoformat())
    page.click("main button[type=submit]")
    assert page.locator("p.notice").inner_text() == "Campagne créée."
    topup_end = (end - timedelta(days=20)).isoformat()
    assert f"abondement jusqu'au {topup_end}" in page.locator("main p.muted").first.inner_text()
    assert "Noël des commerces" in page.locator("h1").inner_text()


def test_create_a_campaign_refusing_bad_input(page: Any, server: LiveServer) -> None:
    today = date.today()
    start, end = today + timedelta(days=1), today + timedelta(days=60)
    login(page, *ADMIN)
    create_with_refusals(page, start, end)
    # Nothing sold yet: the amounts still change.
    page.fill("input[name=face_value_cents]", "1500")
    page.click("form[action$='/edit'] button")
    assert "15,00" in page.locator("main p.muted").first.inner_text()
    page.select_option("#f-add-shop", "M0001")
    page.click("form:has(#f-add-shop) button")
    assert page.locator("ul.members").first.locator("text=Boulangerie Martin").count() == 1
    page.select_option("#f-add-seller", "M0004")
    page.click("form:has(#f-add-seller) button")
    page.fill("input[name=new_end]", (end - timedelta(days=1)).isoformat())
    page.click("form[action$='/extend'] button")
    assert f"après le {end.isoformat()}" in error_of(page, "new_end")
    page.fill("input[name=new_end]", (end + timedelta(days=30)).isoformat())
    page.click("form[action$='/extend'] button")
    assert (end + timedelta(days=30)).strftime("%d/%m/%Y") in page.locator("main p.muted").first.inner_text()
    page.fill("input[name=count]", "3")
    page.click("form[action$='/issue'] button")
    assert page.locator("p.notice").inner_text().startswith("3 bons émis")
    # The tobacconist sells one: amounts and the first day are frozen, the name still changes.
    assert sell(server, campaign_code(server, "NOEL26"), 1000).status_code == 200
    page.reload()
    page.fill("input[name=name]", "Noël des commerces 2026")
    page.click("form[action$='/edit'] button")
    assert page.locator("p.notice").inner_text() == "Modification enregistrée."
    page.evaluate("document.querySelector('input[name=face_value_cents]').removeAttribute('readonly')")
    page.fill("input[name=face_value_cents]", "2000")
    page.click("form[action$='/edit'] button")
    assert "vendus" in error_of(page, "face_value_cents")
    page.goto("/console/audit?target=campaign:NOEL26")
    rows = page.locator("table.audit tbody tr")
    # created, edited, shop added, seller added, extended, issued, renamed
    assert rows.count() == 7
    assert "admin@example.org" in rows.first.inner_text() and "Noël des commerces 2026" in rows.first.inner_text()


def campaign_code(server: LiveServer, campaign_id: str) -> str:
    from sqlalchemy import select

    from voucher_server.db import Database
    from voucher_server.models import Voucher

    db = Database(server.db_url)
    try:
        with db.reading() as s:
            return str(s.scalars(select(Voucher.code).where(Voucher.campaign_id == campaign_id)).first())
    finally:
        db.dispose()


def sell(server: LiveServer, code: str, price_cents: int) -> requests.Response:
    return requests.post(f"{server.url}/api/v1/vouchers/{code}/activate", timeout=10,
                         headers={"Authorization": f"Bearer {server.token('seller')}"},
                         json={"idempotency_key": f"console-{code[-12:]}", "sale_price_cents": price_cents})


def test_register_a_shop_and_disable_its_till(page: Any, server: LiveServer) -> None:
    login(page, *ADMIN)
    page.goto("/console/merchants")
    page.fill("input[name=name]", "Fromagerie Rivière")
    page.fill("input[name=siret]", "732 829 320 00075")  # wrong check digit
    page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 188")  # wrong check digits
    page.click("form[action='/console/merchants'] button[type=submit]")
    assert "SIRET invalide" in error_of(page, "siret")
    assert "IBAN invalide" in error_of(page, "iban")
    page.fill("input[name=siret]", "732 829 320 00074")
    page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189")
    page.click("form[action='/console/merchants'] button[type=submit]")
    assert page.locator("p.notice").inner_text() == "Commerce enregistré."
    assert page.locator("input[name=iban]").input_value() == "FR7630006000011234567890189"
    page.click("form[action$='/terminals'] button")
    token = page.locator("#token").inner_text().strip()
    assert page.locator(".qr svg").count() == 1
    till = {"Authorization": f"Bearer {token}"}
    assert requests.get(server.url + "/api/v1/me", headers=till, timeout=10).json()["merchant"]["name"] == \
        "Fromagerie Rivière"
    page.click("text=Retour au commerce")
    # The till works (its token now in the hot routes' cache), is disabled, and its very next request is refused;
    # re-enabled, it works again.
    code = next(v["code"] for v in server.seed["vouchers"] if v["state"] == "active")
    assert requests.get(f"{server.url}/api/v1/vouchers/{code}", headers=till, timeout=10).status_code != 401
    page.locator("tbody tr").filter(has_text="Caisse 1").locator("button", has_text="Désactiver").click()
    assert "Désactivée" in page.locator("tbody tr").filter(has_text="Caisse 1").inner_text()
    assert requests.get(server.url + "/api/v1/me", headers=till, timeout=10).status_code == 401
    assert requests.get(f"{server.url}/api/v1/vouchers/{code}", headers=till, timeout=10).status_code == 401
    page.locator("tbody tr").filter(has_text="Caisse 1").locator("button", has_text="Réactiver").click()
    assert requests.get(server.url + "/api/v1/me", headers=till, timeout=10).status_code == 200
    page.goto("/console/audit")
    assert "caisse désactivée" in page.locator("table.audit").inner_text()


def test_voucher_lookup_block_and_history(page: Any, server: LiveServer) -> None:
    login(page, *ADMIN)
    voucher = next(v for v in server.seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "issued")
    page.goto("/console/vouchers")
    page.fill("input[name=q]", voucher["code"])
    page.click("main form button")
    assert voucher["serial"][:4] in page.locator("h1").inner_text()
    assert "émis (non vendu)" in page.locator("p.state").inner_text()
    assert page.locator("#value-today").inner_text() == "12,00\u00a0€"
    page.click("button:has-text('Bloquer')")
    assert "bloqué" in page.locator("p.state").inner_text()
    history = page.locator("table tbody").inner_text()
    assert "émission" in history and "blocage" in history
    assert sell(server, voucher["code"], 1000).json()["error"]["code"] == "blocked"
    page.click("button:has-text('Débloquer')")
    assert "émis (non vendu)" in page.locator("p.state").inner_text()
    page.goto("/console/vouchers?q=not-a-code")
    assert page.locator("p.error").inner_text() == "Aucun bon avec ce numéro."
    missing = page.goto("/console/no-such-page")
    assert missing is not None and missing.status == 404 and page.locator("h1").inner_text() == "Introuvable."


def test_dashboard_figures_match_the_csv_and_english(page: Any, server: LiveServer) -> None:
    login(page, *ADMIN)
    page.goto("/console/campaigns/BOOST24/dashboard")
    assert page.locator("svg.chart").count() >= 1
    sold_text = page.locator("dl.kpis div").filter(has_text="Vendus").locator("dd").first.inner_text()
    rows = list(csv.reader(io.StringIO(page.request.get("/console/campaigns/BOOST24/dashboard.csv").text()),
                           delimiter=";"))
    total = next(r for r in rows if r and r[0] == "total")
    assert sold_text.split()[0] == total[2]
    sheets = page.request.get("/console/campaigns/BOOST24/sheets.pdf?state=issued&limit=8")
    assert sheets.status == 200 and sheets.body().startswith(b"%PDF")
    page.click("text=English")
    assert page.locator("h1").inner_text().startswith("Dashboard")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("text=Français")
    assert page.locator("h1").inner_text().startswith("Tableau de bord")
