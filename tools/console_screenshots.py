"""Render each page of the operator console into docs/screenshots/console-*.png with headless Chromium:
    .venv/bin/python tools/console_screenshots.py

The real server (LiveServer, demo seed) gets an operator and real redemptions through the API; the demo's
activity is then spread over the past days (the demo seed sells everything at once) so the charts show days."""

from __future__ import annotations

import os
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
EMAIL, PASSWORD = "operateur@exemple.fr", "mot de passe de démo"


def make_activity(srv: Any) -> None:
    """Redeem 140 of the demo's sold vouchers at the three shops' tills, then spread sales and redemptions over
    the last ten days."""
    from sqlalchemy import select, update

    from voucher_core.timeutil import business_day
    from voucher_server.db import Database, aware
    from voucher_server.models import Activity

    tokens = [t["token"] for t in srv.seed["terminals"] if t["role"] == "merchant" and t["in_campaign"]]
    active = [v for v in srv.seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "active"]
    rng = random.Random(14)
    for i, v in enumerate(active[:140]):
        r = requests.post(f"{srv.url}/api/v1/vouchers/{v['code']}/redeem", timeout=10,
                          headers={"Authorization": f"Bearer {rng.choice(tokens)}"},
                          json={"idempotency_key": f"screenshot-redeem-{i:04d}"})
        r.raise_for_status()
    db = Database(srv.db_url)
    with db.writing() as s:
        rows = s.execute(select(Activity.id, Activity.kind, Activity.business_time)
                         .where(Activity.campaign_id == "BOOST24",
                                Activity.kind.in_(["issue", "activate", "redeem"]))).all()
        for aid, kind, moment in rows:
            days = {"issue": 12, "activate": rng.randint(3, 10), "redeem": rng.randint(0, 7)}[kind]
            back = timedelta(days=days, hours=rng.randint(0, 6) if kind != "issue" else 0)
            moved = aware(moment) - back  # type: ignore[operator]
            s.execute(update(Activity).where(Activity.id == aid)
                      .values(business_time=moved, server_time=moved, business_day=business_day(moved)))
    db.dispose()


def add_admin(db_url: str) -> None:
    from voucher_server.console.auth import add_operator
    from voucher_server.console.models import OperatorRole
    from voucher_server.db import Database

    db = Database(db_url)
    with db.writing() as s:
        add_operator(s, EMAIL, PASSWORD, OperatorRole.ADMIN)
    db.dispose()


def shoot(pg: Any, name: str, path: str, full: bool = True) -> None:
    pg.goto(path)
    pg.screenshot(path=str(OUT / f"console-{name}.png"), full_page=full)
    print(f"console-{name}.png")


def pages(pg: Any, srv: Any) -> None:
    shoot(pg, "connexion", "/console/")
    pg.fill("input[name=email]", EMAIL)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("form[action='/console/login'] button")
    shoot(pg, "accueil", "/console/")
    shoot(pg, "tableau-de-bord", "/console/campaigns/BOOST24/dashboard")
    shoot(pg, "campagnes", "/console/campaigns")
    shoot(pg, "campagne", "/console/campaigns/BOOST24")
    pg.goto("/console/campaigns/new")
    for field, value in (("campaign_id", "NOEL26"), ("name", "Noël des commerces"), ("face_value_cents", "12,00"),
                         ("sale_price_cents", "-10"), ("valid_from", "2026-12-01"), ("valid_until", "2026-11-30")):
        pg.fill(f"input[name={field}]", value)
    pg.click("main button[type=submit]")
    pg.screenshot(path=str(OUT / "console-campagne-erreurs.png"), full_page=True)
    print("console-campagne-erreurs.png")
    shoot(pg, "commerces", "/console/merchants")
    shoot(pg, "commerce", "/console/merchants/M0001")
    pg.click("form[action$='/terminals'] button")
    pg.screenshot(path=str(OUT / "console-jeton-caisse.png"), full_page=True)
    print("console-jeton-caisse.png")
    redeemed = next(v for v in srv.seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "active")
    shoot(pg, "bon", f"/console/vouchers/{redeemed['serial']}")
    pg.goto("/console/merchants/M0001")  # two changes, for the audit trail's before and after
    pg.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189")
    pg.click("form[action='/console/merchants/M0001'] button")
    pg.goto("/console/campaigns/BOOST24")
    pg.fill("input[name=new_end]", "2027-03-31")
    pg.click("form[action$='/extend'] button")
    money_pages(pg)
    shoot(pg, "journal", "/console/audit")


def money_pages(pg: Any) -> None:
    """Shops' statements (one marked paid), tobacconists' remittances, a bulk order, funders, the liability."""
    pg.goto("/console/merchants/M0002")
    pg.fill("input[name=iban]", "FR14 2004 1010 0505 0001 3M02 606")
    pg.click("form[action='/console/merchants/M0002'] button")
    pg.goto("/console/funders")
    pg.fill("form[action='/console/funders'] input[name=name]", "Communauté de communes du Val")
    pg.click("form[method=post][action='/console/funders'] button")
    pg.select_option("select[name=campaign_id]", "BOOST24")
    pg.click("form[action='/console/funders/link'] button")
    shoot(pg, "financeurs", "/console/funders")
    pg.goto("/console/statements")
    pg.locator("#due-M0002 button").click()
    shoot(pg, "remboursements", "/console/statements")
    shoot(pg, "versements", "/console/remittances")
    pg.goto("/console/orders")
    pg.fill("input[name=buyer]", "Mairie de Villeurbanne (colis des aînés)")
    pg.select_option("select[name=campaign_id]", "BOOST24")
    pg.fill("input[name=count]", "40")
    pg.click("form[action='/console/orders'] button")
    pg.screenshot(path=str(OUT / "console-commande.png"), full_page=True)
    print("console-commande.png")
    shoot(pg, "commandes", "/console/orders")
    shoot(pg, "encours", "/console/liability")


def main() -> int:
    from playwright.sync_api import sync_playwright

    from voucher_server.testing import LiveServer

    OUT.mkdir(parents=True, exist_ok=True)
    env = {"VOUCHER_SERVER_OPERATOR_NAME": "Office du commerce de Lyon",
           "VOUCHER_SERVER_OPERATOR_IBAN": "FR7630006000011234567890189"}
    with LiveServer(env=env) as srv:
        add_admin(srv.db_url)
        make_activity(srv)
        with sync_playwright() as p:
            # --lang: date fields follow the browser's language, not the page's.
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=[*ARGS, "--lang=fr-FR"],
                                        env={**os.environ, "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr"})
            laptop = browser.new_context(viewport={"width": 1280, "height": 860}, locale="fr-FR", base_url=srv.url)
            pages(laptop.new_page(), srv)
            # The same dashboard on a tablet held upright, in English.
            tablet = browser.new_context(viewport={"width": 768, "height": 1024}, locale="en-GB", base_url=srv.url,
                                         device_scale_factor=1, has_touch=True)
            for c in laptop.cookies():
                tablet.add_cookies([c])
            pg = tablet.new_page()
            pg.goto("/console/lang/en?next=/console/campaigns/BOOST24/dashboard")
            pg.screenshot(path=str(OUT / "console-tablet-english.png"), full_page=True)
            print("console-tablet-english.png")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
