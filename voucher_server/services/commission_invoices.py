"""Commission invoices: one per shop per period, numbered in one unbroken sequence, corrected by credit notes.

The number comes from the ``counters`` row ``commission_invoice``, bumped in the issuing transaction: on
PostgreSQL the UPDATE holds the row's lock until the commit, so concurrent issuers queue and a rolled-back
issue gives its number back (no gap); on SQLite writers already queue (BEGIN IMMEDIATE). A second issue for
a period finds the first under that lock and leaves it; the unique key (shop, period, kind, generation) is
the last guard. A credit note cancels a whole invoice under its own number; nothing is edited or deleted.
The figures are ``services.commission.shop_commission``'s, frozen at issue with both parties' identities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from voucher_core.campaigns import Activity as Kind
from voucher_core.timeutil import business_day, to_utc_text

from ..db import aware
from ..models import Activity, Counter, Merchant
from ..models_commission import CommissionInvoice, InvoiceKind
from .commission import ShopCommission, shop_commission
from .commission_rules import INVOICE_COUNTER, lock_books
from .operator import operator_identity
from .periods import Period

COUNTER = INVOICE_COUNTER
PAYMENT_DAYS = 30  # due date: 30 days after the invoice's date (C. com. L441-10 allows up to 60)
NUMBER_PREFIX = "FC-"


class InvoiceProblem(StrEnum):
    """Why an invoice or a credit note is refused (stable codes)."""

    UNKNOWN_INVOICE = "unknown_invoice"
    NOT_AN_INVOICE = "not_an_invoice"
    ALREADY_CREDITED = "invoice_already_credited"
    REASON_MISSING = "credit_note_reason_missing"
    OPERATOR_INCOMPLETE = "operator_identity_incomplete"


class InvoiceError(ValueError):
    def __init__(self, code: InvoiceProblem, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Invoice:
    """An issued invoice or credit note, as stored (amounts positive; a credit note credits them)."""

    number: str
    seq: int
    kind: InvoiceKind
    merchant_id: str
    period: Period
    issue_day: date
    due_day: date
    issued_at: datetime
    issued_by: str
    corrects: str | None  # the invoice a credit note cancels
    credited_by: str | None  # the credit note that cancels this invoice
    reason: str
    face_value_cents: int
    commission_cents: int
    vat_cents: int
    ttc_cents: int
    deducted_cents: int
    parties: dict[str, Any]
    lines: list[dict[str, Any]]

    @property
    def to_pay_cents(self) -> int:
        """The TTC the shop pays apart: what was not already deducted from its payout."""
        return self.ttc_cents - self.deducted_cents

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "kind": self.kind.value, "merchant_id": self.merchant_id,
                **self.period.as_json(), "issue_day": self.issue_day.isoformat(),
                "due_day": self.due_day.isoformat(), "issued_at": to_utc_text(self.issued_at),
                "issued_by": self.issued_by, "corrects": self.corrects, "credited_by": self.credited_by,
                "reason": self.reason, "face_value_cents": self.face_value_cents,
                "commission_cents": self.commission_cents, "vat_cents": self.vat_cents,
                "ttc_cents": self.ttc_cents, "deducted_cents": self.deducted_cents,
                "to_pay_cents": self.to_pay_cents, "parties": self.parties, "lines": self.lines}


def _numbers(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(CommissionInvoice.id, CommissionInvoice.number)
                           .where(CommissionInvoice.id.in_(ids))).all()
    return {ident: number for ident, number in rows}


def _credited(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(CommissionInvoice.corrects_id, CommissionInvoice.number)
                           .where(CommissionInvoice.corrects_id.in_(ids))).all()
    return {ref: number for ref, number in rows if ref is not None}


def _invoices(session: Session, rows: list[CommissionInvoice]) -> list[Invoice]:
    refs = _numbers(session, {r.corrects_id for r in rows if r.corrects_id is not None})
    credited = _credited(session, {r.id for r in rows})
    return [Invoice(r.number, r.seq, InvoiceKind(r.kind), r.merchant_id, Period(r.period_start, r.period_end),
                    r.issue_day, r.due_day, aware(r.issued_at) or r.issued_at, r.issued_by,
                    refs.get(r.corrects_id) if r.corrects_id is not None else None, credited.get(r.id), r.reason,
                    r.face_value_cents, r.commission_cents, r.vat_cents, r.ttc_cents, r.deducted_cents,
                    json.loads(r.parties), json.loads(r.lines)) for r in rows]


def list_invoices(session: Session, period: Period | None = None, merchant_id: str | None = None) -> list[Invoice]:
    """Invoices and credit notes in number order; ``period``: those whose period shares a day with it."""
    q = select(CommissionInvoice).order_by(CommissionInvoice.seq)
    if period is not None:
        q = q.where(CommissionInvoice.period_start <= period.end, CommissionInvoice.period_end >= period.start)
    if merchant_id is not None:
        q = q.where(CommissionInvoice.merchant_id == merchant_id)
    return _invoices(session, list(session.scalars(q).all()))


def get_invoice(session: Session, number: str) -> Invoice:
    row = session.scalars(select(CommissionInvoice).where(CommissionInvoice.number == number.strip())).first()
    if row is None:
        raise InvoiceError(InvoiceProblem.UNKNOWN_INVOICE, f"no invoice {number}")
    return _invoices(session, [row])[0]


def _next_seq(session: Session) -> int:
    """The next number, the counter row locked until this transaction ends."""
    bump = update(Counter).where(Counter.name == COUNTER).values(value=Counter.value + 1).returning(Counter.value)
    value = session.execute(bump).scalar()
    if value is None:  # first invoice ever: the row is created, then bumped like any other time
        session.execute(insert(Counter).values(name=COUNTER, value=0))
        value = session.execute(bump).scalar_one()
    return int(value)


def _parties(session: Session, merchant_id: str) -> dict[str, Any]:
    me = operator_identity()
    if missing := me.missing_for_invoices():
        raise InvoiceError(InvoiceProblem.OPERATOR_INCOMPLETE,
                           "the operator's " + ", ".join(missing) + " must be set (VOUCHER_SERVER_OPERATOR_*)")
    shop = session.get(Merchant, merchant_id)
    assert shop is not None
    return {"issuer": {"name": me.name, "address": me.address, "siret": me.siret, "vat_number": me.vat_number,
                       "iban": me.iban, "bic": me.bic},
            "customer": {"id": shop.id, "name": shop.name, "address": shop.address, "siret": shop.siret}}


def _live(session: Session, merchant_id: str, period: Period) -> list[Invoice]:
    """This shop's invoices not cancelled by a credit note whose period shares a day with ``period``."""
    return [i for i in list_invoices(session, period, merchant_id)
            if i.kind is InvoiceKind.INVOICE and i.credited_by is None]


def _insert(session: Session, values: dict[str, Any]) -> Invoice:
    seq = _next_seq(session)
    row = CommissionInvoice(seq=seq, number=f"{NUMBER_PREFIX}{seq:06d}", **values)
    session.add(row)
    session.flush()
    return _invoices(session, [row])[0]


def _issue_one(session: Session, c: ShopCommission, by: str, now: datetime) -> Invoice:
    day = business_day(now)
    generation = len(session.scalars(select(CommissionInvoice.id).where(
        CommissionInvoice.merchant_id == c.merchant_id, CommissionInvoice.period_start == c.period.start,
        CommissionInvoice.period_end == c.period.end, CommissionInvoice.kind == InvoiceKind.INVOICE.value)).all())
    return _insert(session, {
        "kind": InvoiceKind.INVOICE.value, "merchant_id": c.merchant_id, "period_start": c.period.start,
        "period_end": c.period.end, "generation": generation, "corrects_id": None, "reason": "",
        "issue_day": day, "due_day": day + timedelta(days=PAYMENT_DAYS), "issued_at": now, "issued_by": by,
        "face_value_cents": c.face_value_cents, "commission_cents": c.commission_cents,
        "vat_cents": c.commission_vat_cents, "ttc_cents": c.commission_ttc_cents,
        "deducted_cents": c.deducted_cents, "parties": json.dumps(_parties(session, c.merchant_id)),
        "lines": json.dumps([x.as_json() for x in c.lines if x.commission_cents > 0])})


@dataclass(frozen=True, slots=True)
class Issued:
    """What ``issue_invoices`` did: the new invoices, the shops already invoiced (their live invoices)."""

    issued: list[Invoice]
    existing: list[Invoice]

    def as_json(self) -> dict[str, Any]:
        return {"issued": [i.as_json() for i in self.issued], "existing": [i.as_json() for i in self.existing]}


def due_commissions(session: Session, period: Period) -> list[ShopCommission]:
    """Every shop's commission for ``period`` where there is one to invoice (HT above zero), by shop id."""
    ids = session.scalars(select(Activity.merchant_id).where(
        Activity.kind == Kind.REDEEM.value, Activity.business_day >= period.start,
        Activity.business_day <= period.end).distinct()).all()
    found = [shop_commission(session, mid, period) for mid in sorted(m for m in ids if m is not None)]
    return [c for c in found if c.commission_cents > 0]


def issue_invoices(session: Session, period: Period, by: str, now: datetime) -> Issued:
    """One invoice per shop with a commission in ``period``; a shop with a live invoice reaching one of these
    days is left as it is (issuing twice never duplicates). The numbers follow the shops' ids."""
    lock_books(session)  # before reading what exists, so concurrent issuers see each other's work
    issued: list[Invoice] = []
    existing: list[Invoice] = []
    for c in due_commissions(session, period):
        live = _live(session, c.merchant_id, period)
        if live:
            existing.extend(live)
        else:
            issued.append(_issue_one(session, c, by.strip() or "?", now))
    return Issued(issued, existing)


def issue_credit_note(session: Session, number: str, reason: str, by: str, now: datetime) -> Invoice:
    """The credit note cancelling invoice ``number`` in full, with its own number; the period may then be
    invoiced again."""
    if not reason.strip():
        raise InvoiceError(InvoiceProblem.REASON_MISSING, "a credit note says why")
    lock_books(session)  # before reading what exists, so concurrent issuers see each other's work
    inv = get_invoice(session, number)
    if inv.kind is not InvoiceKind.INVOICE:
        raise InvoiceError(InvoiceProblem.NOT_AN_INVOICE, f"{number} is a credit note")
    if inv.credited_by is not None:
        raise InvoiceError(InvoiceProblem.ALREADY_CREDITED, f"{number} is cancelled by {inv.credited_by}")
    row = session.scalars(select(CommissionInvoice).where(CommissionInvoice.number == inv.number)).one()
    day = business_day(now)
    return _insert(session, {
        "kind": InvoiceKind.CREDIT_NOTE.value, "merchant_id": inv.merchant_id, "period_start": inv.period.start,
        "period_end": inv.period.end, "generation": row.generation, "corrects_id": row.id,
        "reason": reason.strip(), "issue_day": day, "due_day": day, "issued_at": now,
        "issued_by": by.strip() or "?", "face_value_cents": inv.face_value_cents,
        "commission_cents": inv.commission_cents, "vat_cents": inv.vat_cents, "ttc_cents": inv.ttc_cents,
        "deducted_cents": inv.deducted_cents, "parties": json.dumps(inv.parties), "lines": json.dumps(inv.lines)})
