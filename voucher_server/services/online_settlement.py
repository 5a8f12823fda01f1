"""The payment provider's settlement, as a tobacconist's: what it collected for a period is its remittance
(services.remittance: its sales net of refunds); what it paid out and its fees are the payouts the operator records
from the provider's report (ProviderPayout). :func:`provider_settlement` reconciles the three to the cent and
:func:`provider_fees` is the one source of the fees (console, CLI, the accountant's export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Merchant
from ..models_online import OnlineOrder, OrderState, ProviderPayout
from .periods import Period
from .remittance import remittance


def record_payout(s: Session, provider_id: str, reference: str, day: date, period: Period, gross_cents: int,
                  fee_cents: int, by: str, now: datetime) -> ProviderPayout:
    """Record a payout the provider made (its report: gross collected for the period, its fees, net to the bank)."""
    if s.get(Merchant, provider_id) is None:
        raise ValueError(f"no provider {provider_id}")
    if gross_cents < 0 or not 0 <= fee_cents <= gross_cents:
        raise ValueError("gross >= fees >= 0")
    if not reference.strip():
        raise ValueError("the provider's payout reference is needed")
    row = ProviderPayout(provider_id=provider_id, reference=reference.strip(), day=day, period_from=period.start,
                         period_to=period.end, gross_cents=gross_cents, fee_cents=fee_cents,
                         net_cents=gross_cents - fee_cents, recorded_at=now, recorded_by=by)
    s.add(row)
    s.flush()
    return row


@dataclass(frozen=True, slots=True)
class FeeLine:
    """A fee the provider kept, as the books book it: a bank charge (627) against the provider's account."""

    provider_id: str
    provider_name: str
    reference: str
    day: date
    fee_cents: int
    gross_cents: int
    net_cents: int


def provider_fees(s: Session, period: Period) -> list[FeeLine]:
    """The payment provider's fees of payouts that reached the bank on days of ``period`` (the one source of
    these figures: console, CSV and the FEC)."""
    rows = s.execute(select(ProviderPayout, Merchant.name).join(Merchant, Merchant.id == ProviderPayout.provider_id)
                     .where(ProviderPayout.day >= period.start, ProviderPayout.day <= period.end)
                     .order_by(ProviderPayout.day, ProviderPayout.id)).all()
    return [FeeLine(p.provider_id, name, p.reference, p.day, p.fee_cents, p.gross_cents, p.net_cents)
            for p, name in rows]


@dataclass(frozen=True, slots=True)
class Settlement:
    provider_id: str
    name: str
    period: Period
    collected_cents: int  # its sales net of refunds: the remittance it owes, as any seller's
    paid_out_gross_cents: int  # what its payouts for the period's sales covered
    fee_cents: int
    paid_out_net_cents: int
    outstanding_cents: int  # collected, not yet in a payout
    orders_paid: int
    orders_refunded: int

    def as_json(self) -> dict[str, Any]:
        return {"provider_id": self.provider_id, "name": self.name, **self.period.as_json(),
                "collected_cents": self.collected_cents, "paid_out_gross_cents": self.paid_out_gross_cents,
                "fee_cents": self.fee_cents, "paid_out_net_cents": self.paid_out_net_cents,
                "outstanding_cents": self.outstanding_cents, "orders_paid": self.orders_paid,
                "orders_refunded": self.orders_refunded}


def provider_settlement(s: Session, provider_id: str, period: Period) -> Settlement:
    """What the provider collected for ``period`` (its remittance), what its payouts covering the period paid,
    their fees, and what is still to come: collected = paid out (gross) + outstanding, net = gross - fees."""
    owed = remittance(s, provider_id, period)
    pay = s.execute(select(func.coalesce(func.sum(ProviderPayout.gross_cents), 0),
                           func.coalesce(func.sum(ProviderPayout.fee_cents), 0),
                           func.coalesce(func.sum(ProviderPayout.net_cents), 0))
                    .where(ProviderPayout.provider_id == provider_id, ProviderPayout.period_from >= period.start,
                           ProviderPayout.period_to <= period.end)).one()
    counts = {str(state): int(n) for state, n in s.execute(select(OnlineOrder.state, func.count()).where(
        OnlineOrder.provider_id == provider_id, OnlineOrder.paid_day >= period.start,
        OnlineOrder.paid_day <= period.end).group_by(OnlineOrder.state)).all()}
    gross, fee, net = int(pay[0]), int(pay[1]), int(pay[2])
    return Settlement(provider_id, owed.name, period, owed.cash_owed_cents, gross, fee, net,
                      owed.cash_owed_cents - gross, int(counts.get(OrderState.PAID.value, 0)),
                      int(counts.get(OrderState.REFUNDED.value, 0)))

