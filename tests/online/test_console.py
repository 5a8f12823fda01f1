"""The operator's online-sale page in Chromium: the provider's settlement reconciles after payouts are recorded (the
remittances page shows the provider settled by them, with nothing to mark received), limits are set with their
refusal next to the field, a refund before use is done and one after use refused."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.console.conftest import ADMIN, add_operator, login
from voucher_core.timeutil import business_day, utc_now
from voucher_server.services import online_sales as sales
from voucher_server.services import online_settlement as settle
from voucher_server.services.periods import Period

from .conftest import Inbox, Shop
from .test_browser import SHOTS, browser  # noqa: F401  (the module's Chromium)
from .test_purchase import pay


def cents(pg: Any, row: str, col: int) -> int:
    return int(pg.locator(f"#{row} td").nth(col).get_attribute("data-cents"))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_settlement_payout_limits_and_refunds(browser: Any, shop: Shop,  # noqa: F811
                                              inbox: tuple[Inbox, int]) -> None:
    add_operator(shop.db_url, *ADMIN, "admin")
    keep = pay(shop, "mia@example.fr", 2)
    back = pay(shop, "ned@example.fr", 1)
    inbox[0].wait(2)
    with shop.db.reading() as s:
        kept = sales.order_view(s, keep)
        refunded = sales.order_view(s, back)
    assert kept is not None and refunded is not None
    r = shop.http.post(f"/api/v1/vouchers/{kept.vouchers[0].code}/redeem",
                       json={"idempotency_key": secrets.token_hex(8)},
                       headers={"Authorization": f"Bearer {shop.token('merchant')}"})
    assert r.status_code == 200
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=shop.url)
    ctx.set_default_timeout(15_000)
    pg = ctx.new_page()
    try:
        login(pg, *ADMIN)
        pg.goto("/console/online")
        assert cents(pg, "provider-TESTPAY", 1) == 3000 and cents(pg, "provider-TESTPAY", 5) == 3000
        # Refund after use: refused, with its words; before use: done, the voucher blocked.
        pg.click(f"#order-{_id(shop, keep)} button")
        assert "Remboursement refusé : au moins un bon" in pg.inner_text(".notice")
        pg.click(f"#order-{_id(shop, back)} button")
        assert "Commande remboursée" in pg.inner_text(".notice")
        assert cents(pg, "provider-TESTPAY", 1) == 2000
        # On the remittances page the provider is settled by its payouts: what is still to come, no receipt to mark
        day = business_day(utc_now()).isoformat()
        pg.goto("/console/remittances")  # the same default period as the online page
        row = pg.locator("#remittance-TESTPAY")
        assert "Réglé par les versements du prestataire" in row.inner_text()
        assert [int(x) for x in row.locator("span[data-cents]").evaluate_all("els => els.map(e => e.dataset.cents)")
                ] == [0, 2000]
        assert row.locator("form").count() == 0
        pg.goto("/console/online")
        # The provider pays out 20 EUR less its fees (1.5 % + 0.25 EUR on each of the three payments).
        pg.fill("#f-reference", "po_test_42")
        pg.fill("#f-day", day)
        pg.fill("#f-gross_cents", "2000")
        pg.fill("#f-fee_cents", "120")
        pg.click("#payout-form button[type=submit]")
        assert "Versement enregistré." in pg.inner_text(".notice")
        assert [cents(pg, "provider-TESTPAY", i) for i in (1, 2, 3, 4, 5)] == [2000, 2000, 120, 1880, 0]
        pg.goto("/console/remittances")  # the same default period as the online page
        assert [int(x) for x in pg.locator("#remittance-TESTPAY span[data-cents]").evaluate_all(
            "els => els.map(e => e.dataset.cents)")] == [2000, 0]
        pg.goto("/console/online")
        pg.screenshot(path=str(SHOTS / "console-vente-en-ligne.png"), full_page=True)
        # Limits: a refusal next to the field, then saved.
        pg.fill("#limits-BOOST24 input[name=per_buyer]", "0")
        pg.click("#limits-BOOST24 button")
        assert "Un nombre entier d'au moins 1" in pg.inner_text("#limits-BOOST24")
        pg.fill("#limits-BOOST24 input[name=per_buyer]", "4")
        pg.fill("#limits-BOOST24 input[name=per_day]", "2")
        pg.click("#limits-BOOST24 button")
        assert "Limites enregistrées." in pg.inner_text(".notice")
        page = shop.http.get("/p/achat/BOOST24")
        assert "Au plus 4 bons par personne." in page.text
    finally:
        ctx.close()
    with shop.db.reading() as s:
        fees = settle.provider_fees(s, Period(business_day(utc_now()), business_day(utc_now())))
    assert [(f.provider_id, f.fee_cents, f.gross_cents, f.net_cents) for f in fees] == [("TESTPAY", 120, 2000, 1880)]


def _id(shop: Shop, token: str) -> int:
    from sqlalchemy import select

    from voucher_server.models_online import OnlineOrder

    with shop.db.reading() as s:
        return int(s.scalar(select(OnlineOrder.id).where(OnlineOrder.token == token)) or 0)
