"""A campaign whose top-up has ended: the till's verdict gives the value of the day (the buyer's price) and the
top-up's last day, online from the server and offline from its cache, and redeems for that amount."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from pos_app.services.till import Till
from voucher_core.codes import parse_code, serial_of
from voucher_core.timeutil import business_day, utc_now
from voucher_core.verdicts import Mode, Verdict
from voucher_server import admin
from voucher_server.db import Database
from voucher_server.models import Terminal, Voucher
from voucher_server.testing import LiveServer

from .conftest import open_till


def _ended_campaign(db_url: str, cid: str = "ENDED", ended: int = 1) -> list[str]:
    """``cid``: 12 € sold 10 €, valid around today, top-up's last day ``ended`` days ago; 2 vouchers sold."""
    today = business_day(utc_now())
    secret = "till-topup-tests"  # signs this campaign's codes; the server needs only the public key
    db = Database(db_url)
    with db.writing() as s:
        admin.create_campaign(s, cid, "Abondement fini", 1200, 1000, today - timedelta(days=30),
                              today + timedelta(days=30), secret, merchant_ids=["M0001"], seller_ids=["M0004"],
                              topup_until=today - timedelta(days=ended))
        serials = admin.issue(s, cid, 2, secret=secret)
        seller = s.query(Terminal).filter(Terminal.merchant_id == "M0004").first()
        admin.activate_batch(s, serials, "M0004", seller.id if seller else None)
        codes = [s.get(Voucher, serial).code for serial in serials]  # type: ignore[union-attr]
    db.dispose()
    return codes


def test_verdict_and_redemption_at_the_value_of_the_day(tmp_path: Path) -> None:
    with LiveServer() as srv:
        codes = _ended_campaign(srv.db_url)
        till = open_till(tmp_path / "till", srv, srv.token("merchant"))
        try:
            ended_on = business_day(utc_now()) - timedelta(days=1)
            online = till.redemptions.check(codes[0])
            assert (online.verdict, online.mode, online.amount_cents, online.topup_ended_on) == \
                (Verdict.ACCEPTED, Mode.ONLINE, 1000, ended_on)
            offline = till.redemptions.offline_verdict(parse_code(codes[0]))
            assert (offline.verdict, offline.amount_cents, offline.topup_ended_on) == \
                (Verdict.ACCEPTED, 1000, ended_on)
            done = till.redemptions.redeem(codes[1])
            assert (done.verdict.accepted, done.verdict.amount_cents, done.verdict.topup_ended_on) == \
                (True, 1000, ended_on)
            _after_closing_today(srv, till)
        finally:
            till.close()


def _after_closing_today(srv: LiveServer, till: Till) -> None:
    """Today closed, the till books on tomorrow: a campaign whose top-up ends today is worth its price there,
    on the till's ledger as on the server (which books on the day the till sends)."""
    codes = _ended_campaign(srv.db_url, "ENDSTODAY", ended=0)
    for _ in range(20):  # the server reloads its campaigns every 2 s: sync until the new one is there
        till.sync.sync_once()
        if till.cache.campaign("ENDSTODAY") is not None:
            break
        time.sleep(0.25)
    today = business_day(utc_now())
    till.books.close_day(today)
    tomorrow = today + timedelta(days=1)
    assert till.redemptions.offline_verdict(parse_code(codes[0])).amount_cents == 1000
    assert (till.redemptions.check(codes[0]).amount_cents, till.redemptions.check(codes[0]).mode) == \
        (1000, Mode.ONLINE)
    done = till.redemptions.redeem(codes[0])
    assert (done.verdict.amount_cents, done.verdict.topup_ended_on) == (1000, today)
    lines = till.books.day_lines(tomorrow.isoformat())
    assert [(x.voucher, x.amount_cents) for x in lines if x.voucher == serial_of(codes[0])] == \
        [(serial_of(codes[0]), 1000)]



def test_offline_verdict_values_a_voucher_at_what_its_buyer_paid(tmp_path: Path) -> None:
    """After the top-up's end a company's 12 € voucher stays 12 €, a 9 € order's is 9 €, a tobacconist's 10 €:
    the change feed carries what each buyer paid, so the offline verdict says what the server then books."""
    from voucher_server.services.orders import place_order

    with LiveServer() as srv:
        cid, secret, now = "PAID", "till-topup-tests", utc_now()
        sold = _ended_campaign(srv.db_url, cid)[:1]  # a tobacconist's sale (NULL: the campaign's price)
        db = Database(srv.db_url)
        with db.writing() as s:
            for price in (1200, 900):
                serial = place_order(s, "Entreprise", cid, 1, "ops", now, secret, price_cents=price).vouchers[0]
                sold.insert(len(sold) - 1, s.get(Voucher, serial).code)  # type: ignore[union-attr]
        db.dispose()
        till = open_till(tmp_path / "till", srv, srv.token("merchant"))
        try:
            for _ in range(20):  # the server reloads its campaigns every 2 s: sync until the new one is there
                if till.cache.campaign(cid) is not None:
                    break
                time.sleep(0.25)
                till.sync.sync_once()
            offline = [till.redemptions.offline_verdict(parse_code(c)).amount_cents for c in sold]
            online = [till.redemptions.check(c).amount_cents for c in sold]
            booked = [till.redemptions.redeem(c).verdict.amount_cents for c in sold]
        finally:
            till.close()
    assert offline == online == booked == [1200, 900, 1000]
