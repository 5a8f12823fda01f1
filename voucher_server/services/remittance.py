"""What a tobacconist owes the operator for a period (the price of its sales not voided, as its statement
``services.statement.shop_statement`` counts them), and the "received" state the operator records when the cash
or the transfer arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from voucher_core.campaigns import Activity as Kind
from voucher_core.timeutil import to_utc_text

from ..db import aware
from ..models import Activity, Merchant
from ..models_money import PaymentMethod, RemittanceReceipt
from .periods import Period
from .statement import CONFIRMED, VOIDED, shop_statement


@dataclass(frozen=True, slots=True)
class Received:
    seller_id: str
    period: Period
    amount_cents: int
    method: PaymentMethod
    received_at: datetime
    received_by: str

    def as_json(self) -> dict[str, Any]:
        return {"seller_id": self.seller_id, **self.period.as_json(), "amount_cents": self.amount_cents,
                "method": self.method.value, "received_at": to_utc_text(self.received_at),
                "received_by": self.received_by}


@dataclass(frozen=True, slots=True)
class CampaignSales:
    """One campaign's line of a remittance."""

    campaign_id: str
    sold_count: int
    sold_cents: int  # sale prices collected
    voided_count: int
    voided_cents: int
    face_cents: int  # face value of the sales not voided (what the vouchers are worth in shops)
    topup_cents: int  # the funders' share on those

    @property
    def owed_cents(self) -> int:
        return self.sold_cents - self.voided_cents

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "sold_count": self.sold_count, "sold_cents": self.sold_cents,
                "voided_count": self.voided_count, "voided_cents": self.voided_cents,
                "face_cents": self.face_cents, "topup_cents": self.topup_cents, "owed_cents": self.owed_cents}


@dataclass(frozen=True, slots=True)
class Remittance:
    seller_id: str
    name: str
    period: Period
    campaigns: list[CampaignSales]
    received: Received | None

    @property
    def cash_owed_cents(self) -> int:
        return sum(c.owed_cents for c in self.campaigns)

    @property
    def by_payouts(self) -> bool:
        """The online payment provider's: it arrives as the provider's payouts, never as a receipt."""
        return settled_by_payouts(self.seller_id)

    def as_json(self) -> dict[str, Any]:
        return {"seller_id": self.seller_id, "name": self.name, **self.period.as_json(),
                "sold_count": sum(c.sold_count for c in self.campaigns),
                "voided_count": sum(c.voided_count for c in self.campaigns),
                "cash_owed_cents": self.cash_owed_cents, "campaigns": [c.as_json() for c in self.campaigns],
                "received": self.received.as_json() if self.received else None, "by_payouts": self.by_payouts}


def settled_by_payouts(seller_id: str) -> bool:
    """True for the online payment provider, a seller whose sales reach the bank as its payouts (record-payout,
    entered in the books net of its fees): a receipt marked as well would count the same money twice."""
    from .online_sales import PROVIDER_IDS  # here: online_sales reaches the payment provider's library

    return seller_id in PROVIDER_IDS.values()


def _lines(statement: dict[str, Any]) -> list[CampaignSales]:
    """By campaign, the seller's sales as its statement counts them: every sale of the period, those voided since."""
    out = []
    for cid, sums in sorted(statement["by_campaign"].items()):
        sold, voided = sums["sale"][CONFIRMED], sums["sale"][VOIDED]
        if sold["count"] + voided["count"] == 0:
            continue  # a campaign the shop only redeemed
        out.append(CampaignSales(cid, sold["count"] + voided["count"], sold["cents"] + voided["cents"],
                                 voided["count"], voided["cents"], sold["face_value_cents"], sold["topup_cents"]))
    return out


def _receipt(session: Session, seller_id: str, period: Period) -> Received | None:
    row = session.scalars(select(RemittanceReceipt).where(
        RemittanceReceipt.seller_id == seller_id, RemittanceReceipt.period_start == period.start,
        RemittanceReceipt.period_end == period.end)).first()
    if row is None:
        return None
    return Received(row.seller_id, period, row.amount_cents, PaymentMethod(row.method),
                    aware(row.received_at) or row.received_at, row.received_by)


def remittance(session: Session, seller_id: str, period: Period) -> Remittance:
    """What ``seller_id`` owes for ``period`` (``cash_owed_cents``), by campaign, and whether it was received."""
    m = session.get(Merchant, seller_id)
    if m is None:
        raise ValueError(f"no seller {seller_id}")
    statement = shop_statement(session, seller_id, period.start, period.end)
    return Remittance(seller_id, m.name, period, _lines(statement), _receipt(session, seller_id, period))


def mark_remittance_received(session: Session, seller_id: str, period: Period, method: PaymentMethod, by: str,
                             now: datetime) -> Received:
    """Record that the tobacconist's remittance for ``period`` arrived (cash or transfer); amount from
    :func:`remittance`. ValueError when nothing is owed or a receipt already covers one of these days."""
    if method not in (PaymentMethod.CASH, PaymentMethod.TRANSFER):
        raise ValueError("a remittance arrives in cash or by transfer")
    if not by.strip():
        raise ValueError("who received it must be named")
    if settled_by_payouts(seller_id):
        raise ValueError("the payment provider's sales arrive as its payouts: record them (record-payout, or the "
                         "console's online sales page), not as a remittance received")
    owed = remittance(session, seller_id, period).cash_owed_cents
    if owed <= 0:
        raise ValueError("nothing owed for this period")
    overlap = session.scalars(select(RemittanceReceipt).where(
        RemittanceReceipt.seller_id == seller_id,
        and_(RemittanceReceipt.period_start <= period.end, RemittanceReceipt.period_end >= period.start))).first()
    if overlap is not None:
        raise ValueError(f"already received for {overlap.period_start}..{overlap.period_end}")
    session.add(RemittanceReceipt(seller_id=seller_id, period_start=period.start, period_end=period.end,
                                  amount_cents=owed, method=method.value, received_at=now, received_by=by.strip()))
    session.flush()
    return Received(seller_id, period, owed, method, now, by.strip())


def remittances(session: Session, period: Period) -> list[Remittance]:
    """Every tobacconist with sales or a receipt in ``period``, by id (received or not)."""
    sellers = set(session.scalars(select(Activity.merchant_id).where(
        Activity.kind == Kind.ACTIVATE.value, Activity.merchant_id.is_not(None),
        Activity.business_day >= period.start, Activity.business_day <= period.end).distinct()).all())
    sellers |= set(session.scalars(select(RemittanceReceipt.seller_id).where(
        RemittanceReceipt.period_start == period.start, RemittanceReceipt.period_end == period.end)).all())
    return [remittance(session, sid, period) for sid in sorted(s for s in sellers if s is not None)]
