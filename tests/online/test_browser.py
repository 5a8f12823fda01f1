"""The whole purchase in Debian's Chromium at phone size (390x844), TEST mode: the campaign's page, the TEST
payment page, the webhook, the e-mail received over SMTP, its link reopened in the browser, a till redeems one
voucher and the reopened page says so. Screenshots in docs/screenshots/holder-achat*.png."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from tests.console import conftest as _console
from tests.holder_pages.conftest import SHOTS

from .conftest import Inbox, Shop

browser = _console.browser  # the console tests' Chromium fixture, reused


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_phone_buys_two_receives_them_and_a_till_redeems_one(browser: Any, shop: Shop,
                                                             inbox: tuple[Inbox, int]) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", base_url=shop.url,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    try:
        pg.goto("/p/achat/BOOST24")
        assert pg.locator(".test").first.inner_text() == "TEST"
        pg.fill("#quantity", "2")
        pg.fill("#email", "lea@example.fr")
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / "holder-achat-1-formulaire.png"), full_page=True)
        pg.click("button[type=submit]")
        pg.wait_for_url(re.compile(r"/p/test-paiement/cs_test_"))
        assert "Page de paiement de TEST" in pg.inner_text("h1")
        assert pg.locator("[data-amount]").get_attribute("data-amount") == "2000"
        pg.screenshot(path=str(SHOTS / "holder-achat-2-paiement-test.png"), full_page=True)
        pg.click("button[value=pay]")
        pg.wait_for_url(re.compile(r"/p/commande/"))
        assert pg.locator("[data-order-state]").get_attribute("data-order-state") == "paid"
        assert pg.locator(".voucher-card").count() == 2
        pg.screenshot(path=str(SHOTS / "holder-achat-3-commande.png"), full_page=True)

        msg = inbox[0].wait(1)[0]
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        link = re.search(r"http://\S+/p/commande/\S+", body.get_content())
        assert link is not None and msg["Subject"].startswith("[TEST] ")

        serial = pg.locator(".voucher-card").first.get_attribute("data-serial")
        assert serial is not None
        r = shop.http.post(f"/api/v1/vouchers/{serial.replace(' ', '')}/redeem",
                           json={"idempotency_key": secrets.token_hex(8)},
                           headers={"Authorization": f"Bearer {shop.token('merchant')}"})
        assert r.status_code == 200, r.text

        fresh = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True,
                                    has_touch=True, device_scale_factor=2)  # the link opened from the mail app
        try:
            p2 = fresh.new_page()
            p2.goto(link.group(0))
            card = p2.locator(f".voucher-card[data-serial='{serial}']")
            assert card.get_attribute("data-voucher-state") == "redeemed"
            assert "Utilisé" in card.inner_text()
            assert p2.locator(".voucher-card[data-voucher-state=active]").count() == 1
            p2.screenshot(path=str(SHOTS / "holder-achat-4-lien-mail.png"), full_page=True)
            p2.click(".voucher-card[data-voucher-state=active] a.open-voucher")  # the voucher's own page
            p2.wait_for_url(re.compile(r"/v/"))
            assert p2.locator("[data-state]").get_attribute("data-state") == "valid"
            assert p2.locator("[data-value]").get_attribute("data-value") == "1200"
            p2.screenshot(path=str(SHOTS / "holder-achat-5-page-du-bon.png"), full_page=True)
            p2.goto(link.group(0) + "?lang=en")
            assert "Your order" in p2.inner_text("h1")
        finally:
            fresh.close()
    finally:
        context.close()
