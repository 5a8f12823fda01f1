"""The operator's commission on shop reimbursements: dated terms per campaign and the one rounding rule.

Terms (rate and VAT in basis points, mode) are rows in force from a Paris business day until a later row's;
none means rate 0, VAT 20 %, deducted. A change applies from a day on, never to a day already begun, paid or
invoiced. Rounding (docs/books.md): the commission HT is rounded once per statement line (one campaign under
one set of terms), half up on integers; the VAT once per rate on the sum of those rounded HTs, then shared out
among the lines in proportion to their HT (largest remainder) only to say which part of the TTC is deducted.
This module does not read the statement itself (``services.statement`` imports it); ``services.commission``
is the entry point for a shop and a period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from voucher_core.timeutil import business_day

from ..models import Campaign, CampaignMerchant, Counter
from ..models_commission import CommissionInvoice, CommissionMode, CommissionTermsRow
from ..models_money import StatementPayment
from .periods import Period, split_cents

INVOICE_COUNTER = "commission_invoice"  # the invoices' numbering row (migration 0011), also the books' lock
DEFAULT_VAT_BP = 2000  # French standard rate on the operator's service (20 % today)
BP = 10_000


class CommissionProblem(StrEnum):
    """Why a change of commission terms is refused (stable codes)."""

    UNKNOWN_CAMPAIGN = "unknown_campaign"
    BAD_RATE = "commission_bad_rate"
    RETROACTIVE = "commission_retroactive"
    PERIOD_CLOSED = "commission_period_closed"


class CommissionError(ValueError):
    def __init__(self, code: CommissionProblem, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class CommissionTerms:
    """What applies on a day: ``from_day`` is None for the default terms (never set)."""

    rate_bp: int
    vat_bp: int
    mode: CommissionMode
    from_day: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {"rate_bp": self.rate_bp, "vat_bp": self.vat_bp, "mode": self.mode.value,
                "from": self.from_day.isoformat() if self.from_day else None}


DEFAULT_TERMS = CommissionTerms(0, DEFAULT_VAT_BP, CommissionMode.DEDUCTED)


def half_up(cents: int, bp: int) -> int:
    """``cents`` × ``bp`` / 10 000 rounded half up, on integers only (amounts are never negative here)."""
    return (cents * bp + BP // 2) // BP


def _terms(row: CommissionTermsRow) -> CommissionTerms:
    return CommissionTerms(row.rate_bp, row.vat_bp, CommissionMode(row.mode), row.from_day)


def terms_history(session: Session, campaign_id: str) -> list[CommissionTerms]:
    """Every change of ``campaign_id``'s terms, oldest first (a later row of the same day supersedes)."""
    rows = session.scalars(select(CommissionTermsRow).where(CommissionTermsRow.campaign_id == campaign_id)
                           .order_by(CommissionTermsRow.from_day, CommissionTermsRow.id)).all()
    return [_terms(r) for r in rows]


def _in_force(history: Sequence[CommissionTerms], day: date) -> CommissionTerms:
    found = DEFAULT_TERMS
    for t in history:
        if t.from_day is not None and t.from_day <= day:
            found = t
    return found


def commission_terms(session: Session, campaign_id: str, day: date) -> CommissionTerms:
    """The terms in force for ``campaign_id`` on Paris business day ``day``."""
    return _in_force(terms_history(session, campaign_id), day)


def lock_books(session: Session) -> None:
    """Hold the invoice counter's row lock until this transaction ends (PostgreSQL; SQLite writers queue anyway).

    Issuing invoices, paying a statement and changing terms take it first, so a change of terms can never slip
    in beside an invoice or a payment that would have counted its days at the old rate.
    """
    session.execute(update(Counter).where(Counter.name == INVOICE_COUNTER).values(value=Counter.value))


def _closed_after(session: Session, campaign_id: str, day: date) -> str | None:
    """A paid statement or an issued invoice of a shop of the campaign that reaches ``day`` or later."""
    shops = select(CampaignMerchant.merchant_id).where(CampaignMerchant.campaign_id == campaign_id)
    paid = session.scalars(select(StatementPayment.period_end).where(
        StatementPayment.merchant_id.in_(shops), StatementPayment.period_end >= day)).first()
    if paid is not None:
        return f"a statement paid up to {paid.isoformat()}"
    number = session.scalars(select(CommissionInvoice.number).where(
        CommissionInvoice.merchant_id.in_(shops), CommissionInvoice.period_end >= day)).first()
    return f"invoice {number}" if number is not None else None


def set_commission(session: Session, campaign_id: str, from_day: date, rate_bp: int, by: str, now: datetime,
                   vat_bp: int | None = None, mode: CommissionMode | None = None) -> CommissionTerms:
    """New terms for ``campaign_id`` from ``from_day`` on; VAT and mode default to those in force that day.

    CommissionError: unknown campaign, a rate outside 0..10 000 bp, a day before today in Paris
    (``commission_retroactive``) or reached by a paid statement or an issued invoice (``commission_period_closed``).
    """
    if session.get(Campaign, campaign_id) is None:
        raise CommissionError(CommissionProblem.UNKNOWN_CAMPAIGN, f"no campaign {campaign_id}")
    lock_books(session)
    before = commission_terms(session, campaign_id, from_day)
    vat = before.vat_bp if vat_bp is None else vat_bp
    # The TTC may never exceed the face value it is taken from, or a deducted payout would go below zero.
    if not (0 <= rate_bp <= BP and 0 <= vat <= BP and rate_bp * (BP + vat) <= BP * BP):
        raise CommissionError(CommissionProblem.BAD_RATE,
                              "rates are basis points from 0 to 10000, the commission with its VAT at most 100 %")
    if from_day < business_day(now):
        raise CommissionError(CommissionProblem.RETROACTIVE,
                              f"{from_day.isoformat()} is before today ({business_day(now).isoformat()})")
    if (closed := _closed_after(session, campaign_id, from_day)) is not None:
        raise CommissionError(CommissionProblem.PERIOD_CLOSED, f"{from_day.isoformat()} is covered by {closed}")
    row = CommissionTermsRow(campaign_id=campaign_id, from_day=from_day, rate_bp=rate_bp, vat_bp=vat,
                             mode=(mode or before.mode).value, set_at=now, set_by=by.strip() or "?")
    session.add(row)
    session.flush()
    return _terms(row)


class Redemption(Protocol):
    """What the commission reads of a statement line (``services.statement.Line``)."""

    @property
    def kind(self) -> str: ...
    @property
    def day(self) -> date: ...
    @property
    def campaign_id(self) -> str: ...
    @property
    def amount_cents(self) -> int: ...
    @property
    def voided(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class CommissionLine:
    """One campaign under one set of terms, within a shop's statement."""

    campaign_id: str
    terms: CommissionTerms
    count: int
    face_value_cents: int
    commission_cents: int  # HT
    commission_vat_cents: int

    @property
    def mode(self) -> CommissionMode:
        return self.terms.mode

    @property
    def commission_ttc_cents(self) -> int:
        return self.commission_cents + self.commission_vat_cents

    @property
    def deducted_cents(self) -> int:
        return self.commission_ttc_cents if self.mode is CommissionMode.DEDUCTED else 0

    @property
    def paid_cents(self) -> int:
        """What the operator transfers to the shop for this line."""
        return self.face_value_cents - self.deducted_cents

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, **self.terms.as_json(), "count": self.count,
                "face_value_cents": self.face_value_cents, "commission_cents": self.commission_cents,
                "commission_vat_cents": self.commission_vat_cents,
                "commission_ttc_cents": self.commission_ttc_cents, "deducted_cents": self.deducted_cents,
                "paid_cents": self.paid_cents}


def _vat_shared(lines: list[tuple[str, CommissionTerms, int, int, int]]) -> list[CommissionLine]:
    """The VAT of each rate on the sum of its lines' rounded HT, shared back to the lines by HT."""
    out: list[CommissionLine | None] = [None] * len(lines)
    for vat_bp in sorted({t.vat_bp for _, t, _, _, _ in lines}):
        idx = [i for i, x in enumerate(lines) if x[1].vat_bp == vat_bp]
        hts = [lines[i][4] for i in idx]
        vat = half_up(sum(hts), vat_bp)
        parts = split_cents(vat, hts) if sum(hts) > 0 else [0] * len(idx)
        for i, part in zip(idx, parts, strict=True):
            camp, terms, count, face, ht = lines[i]
            out[i] = CommissionLine(camp, terms, count, face, ht, part)
    return [x for x in out if x is not None]


def commission_lines(session: Session, redemptions: Iterable[Redemption]) -> list[CommissionLine]:
    """The commission of a statement's confirmed redemptions, by campaign and terms (the one computation)."""
    sums: dict[tuple[str, date | None], list[int]] = {}
    found: dict[tuple[str, date | None], CommissionTerms] = {}
    history: dict[str, list[CommissionTerms]] = {}
    for r in redemptions:
        if r.kind != "redeem" or r.voided:
            continue
        if r.campaign_id not in history:
            history[r.campaign_id] = terms_history(session, r.campaign_id)
        terms = _in_force(history[r.campaign_id], r.day)
        key = (r.campaign_id, terms.from_day)
        found[key] = terms
        acc = sums.setdefault(key, [0, 0])
        acc[0] += 1
        acc[1] += r.amount_cents
    keys = sorted(sums, key=lambda k: (k[0], k[1] or date.min))
    return _vat_shared([(k[0], found[k], sums[k][0], sums[k][1], half_up(sums[k][1], found[k].rate_bp))
                        for k in keys])


@dataclass(frozen=True, slots=True)
class ShopCommission:
    """A shop's commission for a period: by line (campaign × terms), by campaign and in total."""

    merchant_id: str
    period: Period
    lines: list[CommissionLine]

    def _total(self, name: str, campaign_id: str | None = None) -> int:
        return sum(int(getattr(x, name)) for x in self.lines if campaign_id in (None, x.campaign_id))

    @property
    def face_value_cents(self) -> int:
        return self._total("face_value_cents")

    @property
    def commission_cents(self) -> int:
        return self._total("commission_cents")

    @property
    def commission_vat_cents(self) -> int:
        return self._total("commission_vat_cents")

    @property
    def commission_ttc_cents(self) -> int:
        return self._total("commission_ttc_cents")

    @property
    def deducted_cents(self) -> int:
        return self._total("deducted_cents")

    @property
    def paid_cents(self) -> int:
        return self._total("paid_cents")

    @property
    def invoiced_cents(self) -> int:
        """The TTC the shop pays apart (campaigns in the invoiced mode)."""
        return self.commission_ttc_cents - self.deducted_cents

    def by_campaign(self) -> dict[str, dict[str, Any]]:
        """Per campaign: the totals and the mode (``mixed`` when its terms changed mode within the period)."""
        out: dict[str, dict[str, Any]] = {}
        for camp in sorted({x.campaign_id for x in self.lines}):
            modes = {x.mode.value for x in self.lines if x.campaign_id == camp}
            out[camp] = {k: self._total(k, camp) for k in TOTALS} | {
                "mode": modes.pop() if len(modes) == 1 else "mixed"}
        return out

    def totals(self) -> dict[str, int]:
        return {k: self._total(k) for k in TOTALS}

    def as_json(self) -> dict[str, Any]:
        return {"merchant_id": self.merchant_id, **self.period.as_json(), **self.totals(),
                "invoiced_cents": self.invoiced_cents, "by_campaign": self.by_campaign(),
                "lines": [x.as_json() for x in self.lines]}


TOTALS = ("face_value_cents", "commission_cents", "commission_vat_cents", "commission_ttc_cents",
          "deducted_cents", "paid_cents")
