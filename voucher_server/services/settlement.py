"""What the operator owes each shop for a period, and the "paid" state the operator records for it.

The figure is the shop statement's (``services.statement.shop_statement``: redemptions booked on the period's
business days, less those voided since, less the operator's commission where it is deducted: ``paid_cents``);
``shop_reimbursement`` adds the bank details and the paid record, and
the CLI, the PDF, the CSV, the SEPA file and the console use it.
"""

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
from ..models_money import PaymentMethod, StatementPayment
from .commission_rules import lock_books
from .periods import Period
from .statement import CONFIRMED, VOIDED, shop_statement


@dataclass(frozen=True, slots=True)
class StatementPaid:
    """The operator's record that a shop's statement was paid."""

    merchant_id: str
    period: Period
    amount_cents: int
    method: PaymentMethod
    reference: str
    paid_at: datetime
    paid_by: str

    def as_json(self) -> dict[str, Any]:
        return {"merchant_id": self.merchant_id, **self.period.as_json(), "amount_cents": self.amount_cents,
                "method": self.method.value, "reference": self.reference, "paid_at": to_utc_text(self.paid_at),
                "paid_by": self.paid_by}


@dataclass(frozen=True, slots=True)
class ShopDue:
    """A shop's reimbursement for a period: its redemptions less those voided, and whether it was paid."""

    merchant_id: str
    name: str
    iban: str
    bic: str
    period: Period
    redeemed_count: int
    redeemed_cents: int
    voided_count: int
    voided_cents: int
    paid: StatementPaid | None
    commission_cents: int = 0  # HT, then its VAT (services.commission_rules)
    commission_vat_cents: int = 0
    deducted_cents: int = 0  # the commission TTC of campaigns whose commission is deducted from the payout

    @property
    def face_value_cents(self) -> int:
        """The statement's ``reimbursement_cents``: face value of the redemptions not voided."""
        return self.redeemed_cents - self.voided_cents

    @property
    def commission_ttc_cents(self) -> int:
        return self.commission_cents + self.commission_vat_cents

    @property
    def amount_cents(self) -> int:
        """What the operator transfers (the statement's ``paid_cents``): face value less deducted commission."""
        return self.face_value_cents - self.deducted_cents

    def as_json(self) -> dict[str, Any]:
        return {"merchant_id": self.merchant_id, "name": self.name, "iban": self.iban, "bic": self.bic,
                **self.period.as_json(), "redeemed_count": self.redeemed_count,
                "redeemed_cents": self.redeemed_cents, "voided_count": self.voided_count,
                "voided_cents": self.voided_cents, "face_value_cents": self.face_value_cents,
                "commission_cents": self.commission_cents, "commission_vat_cents": self.commission_vat_cents,
                "commission_ttc_cents": self.commission_ttc_cents, "deducted_cents": self.deducted_cents,
                "amount_cents": self.amount_cents,
                "paid": self.paid.as_json() if self.paid else None}


def _shops_with_redemptions(session: Session, period: Period) -> set[str]:
    """Shops with a redemption booked on a business day of ``period``."""
    ids = session.scalars(select(Activity.merchant_id).where(
        Activity.kind == Kind.REDEEM.value, Activity.business_day >= period.start,
        Activity.business_day <= period.end).distinct()).all()
    return {mid for mid in ids if mid is not None}


def _paid(row: StatementPayment) -> StatementPaid:
    return StatementPaid(row.merchant_id, Period(row.period_start, row.period_end), row.amount_cents,
                         PaymentMethod(row.method), row.reference, aware(row.paid_at) or row.paid_at, row.paid_by)


def _payment(session: Session, merchant_id: str, period: Period) -> StatementPayment | None:
    return session.scalars(select(StatementPayment).where(
        StatementPayment.merchant_id == merchant_id, StatementPayment.period_start == period.start,
        StatementPayment.period_end == period.end)).first()


def _due(m: Merchant, period: Period, statement: dict[str, Any], paid: StatementPayment | None) -> ShopDue:
    """The shop's figures as its statement counts them: every redemption of the period, those voided since."""
    red = statement["by_status"]["redemption"]
    confirmed, voided = red[CONFIRMED], red[VOIDED]
    return ShopDue(m.id, m.name, m.iban, m.bic, period, confirmed["count"] + voided["count"],
                   confirmed["cents"] + voided["cents"], voided["count"], voided["cents"],
                   _paid(paid) if paid else None, statement["commission_cents"], statement["commission_vat_cents"],
                   statement["deducted_cents"])


def shop_reimbursement(session: Session, merchant_id: str, period: Period) -> ShopDue:
    """What the operator owes ``merchant_id`` for ``period``, and its paid record if any."""
    m = session.get(Merchant, merchant_id)
    if m is None:
        raise ValueError(f"no merchant {merchant_id}")
    statement = shop_statement(session, merchant_id, period.start, period.end)
    return _due(m, period, statement, _payment(session, merchant_id, period))


def shops_due(session: Session, period: Period) -> list[ShopDue]:
    """Every shop with redemptions or a payment in ``period``, by id (paid or not)."""
    payments = {p.merchant_id: p for p in session.scalars(select(StatementPayment).where(
        StatementPayment.period_start == period.start, StatementPayment.period_end == period.end)).all()}
    ids = sorted(_shops_with_redemptions(session, period) | set(payments))
    return [shop_reimbursement(session, mid, period) for mid in ids]


def _overlapping(session: Session, merchant_id: str, period: Period) -> StatementPayment | None:
    """A payment of this shop whose period shares a day with ``period`` (paying it twice must be impossible)."""
    return session.scalars(select(StatementPayment).where(
        StatementPayment.merchant_id == merchant_id,
        and_(StatementPayment.period_start <= period.end, StatementPayment.period_end >= period.start))).first()


def mark_statement_paid(session: Session, merchant_id: str, period: Period, by: str, now: datetime,
                        method: PaymentMethod = PaymentMethod.TRANSFER, reference: str = "") -> StatementPaid:
    """Record that the shop's statement for ``period`` was paid (amount from :func:`shop_reimbursement`).

    ValueError when there is nothing to pay or a payment already covers one of these days.
    """
    if not by.strip():
        raise ValueError("who marks it paid must be named")
    lock_books(session)  # the amount paid uses the commission terms: none may change meanwhile
    due = shop_reimbursement(session, merchant_id, period)
    if due.amount_cents <= 0:
        raise ValueError("nothing to pay for this period")
    if (other := _overlapping(session, merchant_id, period)) is not None:
        raise ValueError(f"already paid for {other.period_start.isoformat()}..{other.period_end.isoformat()}")
    row = StatementPayment(merchant_id=merchant_id, period_start=period.start, period_end=period.end,
                           amount_cents=due.amount_cents, method=method.value, reference=reference,
                           paid_at=now, paid_by=by.strip())
    session.add(row)
    session.flush()
    return _paid(row)


def period_unpaid(session: Session, merchant_id: str, period: Period) -> bool:
    """True when no payment of this shop covers any day of ``period`` (it may be put in a SEPA file)."""
    return _overlapping(session, merchant_id, period) is None
