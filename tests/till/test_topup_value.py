"""A campaign whose top-up has ended: the till's verdict gives the value of the day (the buyer's price) and the
top-up's last day, online from the server and offline from its cache, and redeems for that amount."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pos_app.core.codes import parse_code
from pos_app.core.timeutil import business_day, utc_now
from pos_app.core.verdicts import Mode, Verdict
from voucher_server import admin
from voucher_server.db import Database
from voucher_server.models import Terminal, Voucher
from voucher_server.testing import LiveServer

from .conftest import open_till


def _ended_campaign(db_url: str) -> list[str]:
    """ENDED: 12 € sold 10 €, valid around today, top-up ended yesterday; 2 vouchers sold; their codes."""
    today = business_day(utc_now())
    secret = "till-topup-tests"  # signs this campaign's codes; the server needs only the public key
    db = Database(db_url)
    with db.writing() as s:
        admin.create_campaign(s, "ENDED", "Abondement fini", 1200, 1000, today - timedelta(days=30),
                              today + timedelta(days=30), secret, merchant_ids=["M0001"], seller_ids=["M0004"],
                              topup_until=today - timedelta(days=1))
        serials = admin.issue(s, "ENDED", 2, secret=secret)
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
        finally:
            till.close()

