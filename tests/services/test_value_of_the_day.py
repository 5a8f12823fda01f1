"""The value of the day (services/day_value.py) in offline redemptions: after a campaign's temporary top-up has
ended, a voucher is worth what its buyer paid, on the business day the till books on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pos_app.services.day_value import looked_up_value, server_topup_ended_on

from .conftest import FACE, PRICE, Clock, Shop, utc


def test_after_the_topup_a_voucher_is_worth_what_was_paid(tmp_path: Path, clock: Clock) -> None:
    shop = Shop(tmp_path / "till", clock, topup_until="2026-11-20")
    try:
        paid_1100, paid_unknown = shop.vouchers(1, paid_cents=1100)[0], shop.vouchers(1)[0]
        first = shop.redeem(paid_1100).verdict
        assert (first.amount_cents, first.topup_ended_on) == (1100, date(2026, 11, 20))
        assert shop.redeem(paid_unknown).verdict.amount_cents == PRICE  # not recorded: the campaign's price
        clock.now = utc(2026, 11, 23, 19, 0)
        closing = shop.books().close_day("2026-11-23")
        assert closing.totals["taken_cents"] == 1100 + PRICE == 2100
        assert [e.amount_cents for e in shop.till.ledger.entries() if e.kind == "redemption"] == [1100, PRICE]
    finally:
        shop.till.close()


def test_until_the_topups_last_day_the_face_value(tmp_path: Path) -> None:
    clock = Clock(utc(2026, 11, 20, 22, 30))  # 23:30 in Paris: still the 20th, the top-up's last day
    shop = Shop(tmp_path / "till", clock, topup_until="2026-11-20")
    try:
        verdict = shop.redeem(shop.vouchers(1, paid_cents=1000)[0]).verdict
        assert (verdict.amount_cents, verdict.topup_ended_on) == (FACE, None)
    finally:
        shop.till.close()


def test_the_servers_lookup_read_against_the_cache(shop: Shop) -> None:
    campaign = shop.till.cache.campaign("BOOST24")
    body = {"value_cents": 900, "face_value_cents": FACE, "paid_cents": 1100, "topup_ended": True,
            "topup_until": "2026-11-20"}
    # known campaign: the till's own rule (no top-up end in this campaign: the face value)
    assert looked_up_value(body, campaign, date(2026, 11, 23)) == (FACE, None)
    # unknown campaign: the server's word
    assert looked_up_value(body, None, date(2026, 11, 23)) == (900, date(2026, 11, 20))
    assert server_topup_ended_on({"topup_ended": False, "topup_until": "2026-11-20"}) is None
    assert server_topup_ended_on({"topup_ended": True, "topup_until": "not a day"}) is None
