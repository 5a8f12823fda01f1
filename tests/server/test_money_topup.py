"""The temporary top-up through the real API (SQLite and the PostgreSQL hot path): after the top-up's last day a
voucher is redeemed for what the buyer paid, and the look-up says so; campaigns without an end keep their value."""

from __future__ import annotations

import os
from datetime import date, timedelta

from voucher_core.campaigns import Campaign
from voucher_core.codes import serial_of
from voucher_core.timeutil import business_day, utc_now
from voucher_server import admin
from voucher_server.db import Database
from voucher_server.models import Terminal, Voucher
from voucher_server.services.funders import add_funder, funder_invoice, link_funder
from voucher_server.services.periods import Period

from .conftest import Api

P = "/api/v1"


def test_value_of_the_day_rule() -> None:
    c = Campaign("B", "B", 1200, 1000, date(2026, 11, 14), date(2027, 2, 28), topup_until=date(2027, 1, 31))
    assert [c.value_on(date(2027, 1, 31)), c.value_on(date(2027, 2, 1))] == [1200, 1000]
    assert [c.topup_on(date(2027, 1, 31)), c.topup_on(date(2027, 2, 1))] == [200, 0]
    old = Campaign("O", "O", 1200, 1000, date(2026, 11, 14), date(2027, 2, 28))
    assert old.value_on(date(2027, 2, 28)) == 1200 and not old.topup_ended(date(2027, 2, 28))


def _topup_over_campaign(api: Api) -> list[str]:
    """ENDED: 12 € sold 10 €, valid around today, its top-up ended yesterday; 3 vouchers sold at M0004."""
    today = business_day(utc_now())
    db = Database(api.db_url)
    with db.writing() as s:
        admin.create_campaign(s, "ENDED", "Abondement fini", 1200, 1000, today - timedelta(days=30),
                              today + timedelta(days=30), os.environ["VOUCHER_SERVER_SECRET"],
                              merchant_ids=["M0001"], seller_ids=["M0004"], topup_until=today - timedelta(days=1))
        serials = admin.issue(s, "ENDED", 3, secret=os.environ["VOUCHER_SERVER_SECRET"])
        seller = s.query(Terminal).filter(Terminal.merchant_id == "M0004").first()
        admin.activate_batch(s, serials, "M0004", seller.id if seller else None)
        link_funder(s, "ENDED", add_funder(s, "Ville").id)
        link_funder(s, "BOOST24", add_funder(s, "Communauté").id)
        codes = [s.get(Voucher, serial).code for serial in serials]  # type: ignore[union-attr]
    db.dispose()
    return codes


def test_redemption_after_the_topup_is_worth_the_price(api: Api) -> None:
    codes = _topup_over_campaign(api)
    api.app.state.ctx.campaigns._at = -1e9  # campaigns were added behind the server's 2-second cache
    token = api.token("merchant")
    look = api.client.get(f"{P}/vouchers/{codes[0]}", headers=api.h(token)).json()
    yesterday = (business_day(utc_now()) - timedelta(days=1)).isoformat()
    assert (look["verdict"], look["value_cents"], look["face_value_cents"], look["topup_ended"],
            look["topup_until"]) == ("accepted", 1000, 1200, True, yesterday)
    # The signed code names its campaign: the one-statement write of the hot path (PostgreSQL) takes it.
    r = api.client.post(f"{P}/vouchers/{codes[0]}/redeem", headers=api.h(token),
                        json={"idempotency_key": "topup-000001"})
    assert r.status_code == 200 and r.json()["amount_cents"] == 1000
    # A typed serial fits two campaigns here: read, judge, then write.
    r = api.client.post(f"{P}/vouchers/{serial_of(codes[1])}/redeem", headers=api.h(token),
                        json={"idempotency_key": "topup-000003"})
    assert r.status_code == 200 and r.json()["amount_cents"] == 1000
    boost = api.vouchers()[0]
    r = api.client.post(f"{P}/vouchers/{boost['code']}/redeem", headers=api.h(token),
                        json={"idempotency_key": "topup-000002"})
    assert r.status_code == 200 and r.json()["amount_cents"] == 1200  # no top-up end: unchanged
    camps = {c["id"]: c for c in api.client.get(f"{P}/campaigns", headers=api.h(token)).json()["campaigns"]}
    assert camps["ENDED"]["topup_until"] == yesterday and camps["BOOST24"]["topup_until"] is None
    today = business_day(utc_now())
    db = Database(api.db_url)
    with db.reading() as s:
        assert funder_invoice(s, "F0001", Period(today, today)).topup_cents == 0  # ENDED: nothing to invoice
        assert funder_invoice(s, "F0002", Period(today, today)).topup_cents == 200  # BOOST24: 12 € - 10 €
    db.dispose()
