"""A holder's phone (Chromium, 390x844) opens a voucher's page from its QR's URL: valid, used, expired, blocked,
unknown, and the page a guesser gets once its address has spent its bucket; then where to spend it, searched by
name and by town, each shop with its link to the phone's maps app; and the operator edits a shop's public details in
the console. Screenshots in docs/screenshots/holder-*.png."""

from __future__ import annotations

from typing import Any

import requests

from tests.console.conftest import ADMIN, add_operator, login
from voucher_core.codes import new_serial, page_url
from voucher_core.timeutil import utc_now
from voucher_server import admin
from voucher_server.db import Database
from voucher_server.models_books import PostalAddress
from voucher_server.services import shops as svc
from voucher_server.testing import LiveServer

from .conftest import SHOTS, phone


def vouchers(srv: LiveServer, state: str = "active", campaign: str = "BOOST24") -> list[dict[str, Any]]:
    return [v for v in srv.seed["vouchers"] if v["state"] == state and v["campaign"] == campaign]


def qr_path(code: str) -> str:
    """The path a phone opens from a new voucher's QR (its URL's host is the operator's public site)."""
    return "/" + page_url("https://bons.example.fr", code).split("/", 3)[3]


def test_a_phone_opens_vouchers_in_every_state(browser: Any, server: LiveServer) -> None:
    active = vouchers(server)
    valid, used, blocked = active[0], active[1], active[2]
    r = requests.post(f"{server.url}/api/v1/vouchers/{used['code']}/redeem", timeout=10,
                      headers={"Authorization": f"Bearer {server.token('merchant', 0)}"},
                      json={"idempotency_key": "holder-browser-used-1"})
    assert r.status_code == 200, r.text
    db = Database(server.db_url)
    with db.writing() as s:
        admin.set_blocked(s, blocked["serial"], True)
    db.dispose()
    context = phone(browser, server.url)
    pg = context.new_page()
    try:
        pg.goto(qr_path(valid["code"]))
        assert pg.locator(".state").inner_text() == "Valable"
        assert pg.locator(".value").inner_text() == "12,00\u00a0€"
        assert valid["serial"][-4:] in pg.locator("dl").inner_text()
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
        pg.screenshot(path=str(SHOTS / "holder-bon-valable.png"), full_page=True)
        pg.click("text=English")
        assert pg.locator(".state").inner_text() == "Valid" and pg.locator(".value").inner_text() == "€12.00"
        pg.screenshot(path=str(SHOTS / "holder-bon-valable-en.png"), full_page=True)
        pg.click("text=Français")
        pg.goto(f"/v/{used['serial']}")  # the printed number, typed
        assert pg.locator(".state").inner_text() == "Utilisé"
        assert "chez Boulangerie Martin" in pg.locator(".card").inner_text()
        assert pg.locator(".value").count() == 0
        pg.screenshot(path=str(SHOTS / "holder-bon-utilise.png"), full_page=True)
        pg.goto(qr_path(vouchers(server, campaign="PRINTEMPS")[0]["code"]))
        assert pg.locator(".state").inner_text() == "Expiré"
        pg.screenshot(path=str(SHOTS / "holder-bon-expire.png"), full_page=True)
        pg.goto(qr_path(blocked["code"]))
        assert pg.locator(".state").inner_text().startswith("Bloqué")
        pg.screenshot(path=str(SHOTS / "holder-bon-bloque.png"), full_page=True)
        resp = pg.goto(f"/v/{new_serial()}")
        assert resp is not None and resp.status == 404
        assert pg.locator("h1").inner_text() == "Bon introuvable"
        pg.screenshot(path=str(SHOTS / "holder-bon-inconnu.png"), full_page=True)
    finally:
        context.close()


def test_a_guesser_s_address_is_slowed_down(browser: Any) -> None:
    with LiveServer(env={"VOUCHER_SERVER_PUBLIC_BURST": "2", "VOUCHER_SERVER_PUBLIC_RATE": "0.01"}) as srv:
        context = phone(browser, srv.url)
        pg = context.new_page()
        try:
            for _ in range(2):
                resp = pg.goto(f"/v/{new_serial()}")
                assert resp is not None and resp.status == 404
            resp = pg.goto(qr_path(vouchers(srv)[0]["code"]))  # even a good code, once the bucket is spent
            assert resp is not None and resp.status == 429 and int(resp.headers["retry-after"]) > 0
            assert pg.locator("h1").inner_text() == "Trop de demandes"
            pg.screenshot(path=str(SHOTS / "holder-bon-trop-de-demandes.png"), full_page=True)
        finally:
            context.close()


def test_where_to_spend_it_searched_by_name_and_town(browser: Any, server: LiveServer) -> None:
    db = Database(server.db_url)
    with db.writing() as s:
        svc.set_details(s, "M0001", "Boulangerie pâtisserie", "Mar–Sam 7 h – 19 h\nDim 7 h – 12 h 30", True,
                        "ops@ville.example", utc_now())
        svc.set_details(s, "M0002", "Librairie", "Lun–Sam 10 h – 19 h", True, "ops@ville.example", utc_now())
        if s.get(PostalAddress, "M0002") is None:
            s.add(PostalAddress(merchant_id="M0002", street_name="rue Émile Zola", building_number="8",
                                post_code="69100", town_name="Villeurbanne", country="FR"))
    db.dispose()
    context = phone(browser, server.url)
    pg = context.new_page()
    try:
        pg.goto(qr_path(vouchers(server)[5]["code"]))
        pg.click("text=Où le dépenser")
        assert pg.url.endswith("/p/BOOST24/shops")
        assert pg.locator(".shop h2").all_inner_texts() == ["Boulangerie Martin", "Librairie du Centre"]
        assert pg.locator("[data-shop=M0001] .hours li").all_inner_texts() == ["Mar–Sam 7 h – 19 h",
                                                                               "Dim 7 h – 12 h 30"]
        geo = pg.locator("[data-shop=M0001] a.button").get_attribute("href")
        assert geo == "geo:0,0?q=Boulangerie%20Martin%2C%203%20rue%20de%20la%20R%C3%A9publique%2C%2069001%20Lyon"
        web = pg.locator("[data-shop=M0002] a.link").get_attribute("href")
        assert web is not None and web.startswith("https://www.google.com/maps/search/?api=1&query=Librairie")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        pg.screenshot(path=str(SHOTS / "holder-commerces.png"), full_page=True)
        pg.fill("#q", "librairie")
        pg.click("form.search button")
        assert pg.locator(".shop h2").all_inner_texts() == ["Librairie du Centre"]
        assert "q=librairie" in pg.url
        pg.screenshot(path=str(SHOTS / "holder-commerces-recherche.png"), full_page=True)
        pg.fill("#q", "")
        pg.select_option("#town", "Lyon")
        pg.click("form.search button")
        assert pg.locator(".shop h2").all_inner_texts() == ["Boulangerie Martin"]
        assert pg.locator("#count").inner_text() == "1 commerce(s) sur 2"
        pg.fill("#q", "garage")
        pg.click("form.search button")
        assert pg.locator(".shop").count() == 0 and "Aucun commerce" in pg.locator("main").inner_text()
    finally:
        context.close()
    # Without JavaScript too: the search is the server's.
    nojs = browser.new_context(java_script_enabled=False, locale="en-GB", base_url=server.url)
    try:
        pg = nojs.new_page()
        pg.goto("/p/BOOST24/shops?lang=en")
        pg.fill("#q", "villeurbanne")
        pg.click("form.search button")
        assert pg.locator(".shop h2").all_inner_texts() == ["Librairie du Centre"] and "lang=en" in pg.url
    finally:
        nojs.close()


def test_the_operator_edits_a_shop_s_public_details_in_the_console(browser: Any, server: LiveServer) -> None:
    add_operator(server.db_url, *ADMIN, "admin")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=server.url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    try:
        login(pg, *ADMIN)
        pg.goto("/console/merchants/M0002")
        pg.click("#shop-public-link")
        assert pg.url.endswith("/console/merchants/M0002/public")
        pg.fill("#f-category", "Librairie, papeterie")
        pg.fill("#f-opening_hours", "Lun–Sam 9 h – 19 h\nDim fermé")
        pg.click("form.form button[type=submit]")
        assert "Fiche publique enregistrée." in pg.locator("main").inner_text()
        assert pg.input_value("#f-category") == "Librairie, papeterie"
        pg.fill("#f-category", "x" * 60 + "y")  # the field's maxlength stops a browser; the server checks too
        pg.screenshot(path=str(SHOTS / "holder-console-fiche-publique.png"), full_page=True)
        r = requests.get(f"{server.url}/p/BOOST24/shops", params={"q": "papeterie"}, timeout=10)
        assert "Lun–Sam 9 h – 19 h" in r.text and "Librairie du Centre" in r.text
        pg.uncheck("input[name=listed]")
        pg.click("form.form button[type=submit]")
        r = requests.get(f"{server.url}/p/BOOST24/shops", timeout=10)
        assert "Librairie du Centre" not in r.text
        pg.check("input[name=listed]")
        pg.click("form.form button[type=submit]")
        assert "Librairie du Centre" in requests.get(f"{server.url}/p/BOOST24/shops", timeout=10).text
    finally:
        context.close()
