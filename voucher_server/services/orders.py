"""Bulk orders: a company or a town buys N vouchers from the operator itself (no tobacconist); they are issued
and activated at once, invoiced, printed, and paid later by transfer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from voucher_core.campaigns import Activity as Kind
from voucher_core.campaigns import Validity, VoucherState
from voucher_core.timeutil import business_day, to_utc_text

from .. import admin
from ..db import aware
from ..models import Activity, Campaign, Voucher
from ..models_money import BulkOrder, BulkOrderVoucher
from .periods import core_campaign

MAX_ORDER = 50_000


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    buyer: str
    campaign_id: str
    campaign_name: str
    count: int
    unit_price_cents: int
    face_value_cents: int
    total_cents: int
    ordered_at: datetime
    ordered_by: str
    paid_at: datetime | None
    paid_by: str | None
    payment_reference: str
    vouchers: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"order_id": self.id, "buyer": self.buyer, "campaign_id": self.campaign_id,
                "campaign_name": self.campaign_name, "count": self.count,
                "unit_price_cents": self.unit_price_cents, "face_value_cents": self.face_value_cents,
                "total_cents": self.total_cents, "ordered_at": to_utc_text(self.ordered_at),
                "ordered_by": self.ordered_by, "paid": self.paid_at is not None,
                "paid_at": to_utc_text(self.paid_at) if self.paid_at else None, "paid_by": self.paid_by,
                "payment_reference": self.payment_reference, "vouchers": self.vouchers}


def _check(camp: Campaign | None, buyer: str, count: int, price: int, by: str, now: datetime) -> Campaign:
    if camp is None:
        raise ValueError("no such campaign")
    if not buyer.strip() or not by.strip():
        raise ValueError("the buyer and who records the order must be named")
    if not 1 <= count <= MAX_ORDER:
        raise ValueError(f"count: 1 to {MAX_ORDER}")
    if not 0 <= price <= camp.face_value_cents:
        raise ValueError("price: from 0 to the face value, in cents")
    if core_campaign(camp).validity(now) is Validity.EXPIRED:
        raise ValueError("campaign has ended")
    return camp


def _activate(session: Session, camp: Campaign, serials: list[str], price: int, now: datetime) -> None:
    """Activations by the operator (no seller, no terminal), as the activity log records a sale."""
    rows = [{"kind": Kind.ACTIVATE.value, "serial": s, "campaign_id": camp.id, "terminal_id": None,
             "merchant_id": None, "amount_cents": camp.face_value_cents, "sale_price_cents": price,
             "topup_cents": camp.face_value_cents - price, "server_time": now, "business_time": now,
             "business_day": business_day(now),
             "offline": False} for s in serials]
    ids = {serial: aid for serial, aid in
           session.execute(insert(Activity).returning(Activity.serial, Activity.id), rows).all()}
    stamp = admin.change_stamp(session)
    session.execute(update(Voucher), [{"serial": s, "state": VoucherState.ACTIVE.value, "sale_id": ids[s],
                                       "sold_at": now, "paid_cents": price, "change_seq": stamp}
                                      for s in serials])


def place_order(session: Session, buyer: str, campaign_id: str, count: int, by: str, now: datetime, secret: str,
                price_cents: int | None = None) -> Order:
    """Issue and activate ``count`` vouchers for ``buyer`` at ``price_cents`` each (default: the campaign's
    sale price); the order stays unpaid until :func:`mark_order_paid`."""
    camp = session.get(Campaign, campaign_id)
    price = camp.sale_price_cents if price_cents is None and camp is not None else (price_cents or 0)
    camp = _check(camp, buyer, count, price, by, now)
    serials = admin.issue(session, campaign_id, count, secret=secret)
    _activate(session, camp, serials, price, now)
    row = BulkOrder(buyer=buyer.strip(), campaign_id=campaign_id, count=count, unit_price_cents=price,
                    total_cents=count * price, ordered_at=now, ordered_by=by.strip(), payment_reference="")
    session.add(row)
    session.flush()
    session.execute(insert(BulkOrderVoucher), [{"order_id": row.id, "serial": s} for s in serials])
    return get_order(session, row.id)


def get_order(session: Session, order_id: int) -> Order:
    row = session.get(BulkOrder, order_id)
    if row is None:
        raise ValueError(f"no order {order_id}")
    camp = session.get(Campaign, row.campaign_id)
    assert camp is not None
    serials = list(session.scalars(select(BulkOrderVoucher.serial).where(BulkOrderVoucher.order_id == order_id)
                                   .order_by(BulkOrderVoucher.serial)).all())
    return Order(row.id, row.buyer, row.campaign_id, camp.name, row.count, row.unit_price_cents,
                 camp.face_value_cents, row.total_cents, aware(row.ordered_at) or row.ordered_at, row.ordered_by,
                 aware(row.paid_at), row.paid_by, row.payment_reference, serials)


def list_orders(session: Session) -> list[Order]:
    """Every bulk order, newest first."""
    ids = session.scalars(select(BulkOrder.id).order_by(BulkOrder.id.desc())).all()
    return [get_order(session, i) for i in ids]


def mark_order_paid(session: Session, order_id: int, by: str, now: datetime, reference: str = "") -> Order:
    """Record the buyer's transfer for ``order_id``; ValueError if it was already recorded."""
    row = session.get(BulkOrder, order_id)
    if row is None:
        raise ValueError(f"no order {order_id}")
    if row.paid_at is not None:
        raise ValueError("order already paid")
    if not by.strip():
        raise ValueError("who records the payment must be named")
    row.paid_at, row.paid_by, row.payment_reference = now, by.strip(), reference[:64]
    session.flush()
    return get_order(session, order_id)
