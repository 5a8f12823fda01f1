"""A small scheme written straight into the activity log at chosen Paris times, as the API records them, so
every money figure can be checked against cents computed by hand (the comments in test_money.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from voucher_core.campaigns import VoucherState
from voucher_core.timeutil import PARIS, business_day
from voucher_server import admin
from voucher_server.db import Database, upgrade
from voucher_server.models import Activity, Campaign, Voucher
from voucher_server.services import bank, funders, orders

SECRET = "money-tests-secret"
IBAN_A = "FR7630006000011234567890189"
IBAN_B = "FR1420041010050500013M02606"
OPERATOR_IBAN = "FR7610107001011234567890129"


def at(day: str, hour: int = 12) -> datetime:
    """Noon (or ``hour``) Paris on ``day``, in UTC."""
    return datetime.combine(date.fromisoformat(day), time(hour), PARIS).astimezone(UTC)


class Book:
    """Writes activities and voucher states the way the API does, at injected times."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.sale: dict[str, int] = {}
        self.redemption: dict[str, int] = {}

    def _act(self, kind: str, serial: str, merchant: str | None, when: datetime, **money: int) -> int:
        camp_id = self.s.get(Voucher, serial).campaign_id  # type: ignore[union-attr]
        # A void names what it undoes: the voucher's last redemption or sale.
        ref = {"void": self.redemption, "sale_void": self.sale}.get(kind, {}).get(serial)
        a = Activity(kind=kind, serial=serial, campaign_id=camp_id, merchant_id=merchant, server_time=when,
                     business_time=when, business_day=business_day(when), offline=False, ref_id=ref, **money)
        self.s.add(a)
        self.s.flush()
        return a.id

    def sell(self, serial: str, seller: str, when: datetime) -> None:
        c = self.s.get(Campaign, self.s.get(Voucher, serial).campaign_id)  # type: ignore[union-attr]
        assert c is not None
        self.sale[serial] = self._act("activate", serial, seller, when, amount_cents=c.face_value_cents,
                                      sale_price_cents=c.sale_price_cents, topup_cents=c.topup_cents)
        self.s.execute(update(Voucher).where(Voucher.serial == serial)
                       .values(state=VoucherState.ACTIVE.value, sale_id=self.sale[serial], sold_at=when))

    def void_sale(self, serial: str, seller: str, when: datetime) -> None:
        c = self.s.get(Campaign, self.s.get(Voucher, serial).campaign_id)  # type: ignore[union-attr]
        assert c is not None
        self._act("sale_void", serial, seller, when, amount_cents=c.face_value_cents,
                  sale_price_cents=c.sale_price_cents, topup_cents=c.topup_cents)
        self.s.execute(update(Voucher).where(Voucher.serial == serial)
                       .values(state=VoucherState.ISSUED.value, sale_id=None, sold_at=None))

    def redeem(self, serial: str, shop: str, when: datetime, amount: int) -> None:
        self.redemption[serial] = self._act("redeem", serial, shop, when, amount_cents=amount)
        self.s.execute(update(Voucher).where(Voucher.serial == serial)
                       .values(state=VoucherState.REDEEMED.value, redeemed_at=when, redeemed_by=shop))

    def void(self, serial: str, shop: str, when: datetime, amount: int) -> None:
        self._act("void", serial, shop, when, amount_cents=amount)
        self.s.execute(update(Voucher).where(Voucher.serial == serial)
                       .values(state=VoucherState.ACTIVE.value, redeemed_at=None, redeemed_by=None))


def build(url: str) -> dict[str, Any]:
    """The scheme of test_money.py; returns the serials by name."""
    upgrade(url)
    db = Database(url)
    with db.writing() as s:
        admin.add_merchant(s, "Boulangerie Éclair", merchant_id="M0001")
        admin.add_merchant(s, "Librairie Page", merchant_id="M0002")
        admin.add_merchant(s, "Tabac du Port", merchant=False, seller=True, merchant_id="M0003")
        bank.set_bank_details(s, "M0001", "fr76 3000 6000 0112 3456 7890 189", "agrifrpp")
        admin.create_campaign(s, "BOOST", "Booster", 1200, 1000, date(2026, 11, 14), date(2027, 2, 28), SECRET,
                              merchant_ids=["M0001", "M0002"], seller_ids=["M0003"],
                              topup_until=date(2027, 1, 31))
        admin.create_campaign(s, "OLD", "Ancienne", 1000, 800, date(2026, 11, 1), date(2026, 12, 31), SECRET,
                              merchant_ids=["M0001"], seller_ids=["M0003"])
        funders.add_funder(s, "Communauté de communes")
        funders.add_funder(s, "Ville du Port")
        funders.link_funder(s, "BOOST", "F0001", 7500)
        funders.link_funder(s, "BOOST", "F0002", 2500)
        funders.link_funder(s, "OLD", "F0002")
        v = admin.issue(s, "BOOST", 10, secret=SECRET)
        o = admin.issue(s, "OLD", 2, secret=SECRET)
        order = orders.place_order(s, "Mairie du Port", "BOOST", 3, "compta@op.fr", at("2026-12-01"), SECRET)
        book = Book(s)
        for serial in v[:6]:
            book.sell(serial, "M0003", at("2026-11-20"))
        book.void_sale(v[5], "M0003", at("2026-11-20", 13))
        for serial in o:
            book.sell(serial, "M0003", at("2026-11-10"))
        book.redeem(v[0], "M0001", at("2026-12-05"), 1200)
        book.redeem(v[1], "M0001", at("2026-12-06", 10), 1200)
        book.redeem(v[2], "M0002", at("2026-12-06"), 1200)
        book.void(v[1], "M0001", at("2026-12-06", 11), 1200)
        book.redeem(order.vouchers[0], "M0001", at("2026-12-20"), 1200)
        book.redeem(o[0], "M0001", at("2026-12-10"), 1000)
        book.redeem(v[1], "M0002", at("2027-02-10"), 1000)  # after the top-up's end: the sale price
        book.redeem(v[3], "M0001", at("2027-02-15"), 1000)
    db.dispose()
    return {"boost": v, "old": o, "order": order}
