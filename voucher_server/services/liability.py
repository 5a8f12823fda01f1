"""What the operator still owes voucher holders (liability) and, at a campaign's end, what was never spent
(breakage). Both from the activity log, so they can be asked for any past day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voucher_core.campaigns import Activity as Kind
from voucher_core.campaigns import Campaign as CoreCampaign
from voucher_core.campaigns import VoucherState

from ..models import Activity, Voucher
from .funders import split_by_funder
from .periods import core_campaigns


@dataclass(frozen=True, slots=True)
class Counts:
    """Vouchers of one campaign by the end of a day, net of voids."""

    sold: int  # by tobacconists
    ordered: int  # bulk orders, sold by the operator itself
    redeemed: int

    @property
    def outstanding(self) -> int:
        return self.sold + self.ordered - self.redeemed


def _counts(session: Session, last_day: date) -> dict[str, Counts]:
    """Per campaign, activations and redemptions booked on business days up to ``last_day``, net of the voids
    booked up to then."""
    rows = session.execute(
        select(Activity.campaign_id, Activity.kind, Activity.merchant_id.is_(None), func.count())
        .where(Activity.kind.in_([Kind.ACTIVATE.value, Kind.SALE_VOID.value, Kind.REDEEM.value, Kind.VOID.value]),
               Activity.business_day <= last_day)
        .group_by(Activity.campaign_id, Activity.kind, Activity.merchant_id.is_(None))).all()
    acc: dict[str, list[int]] = {}
    for cid, kind, by_operator, n in rows:
        line = acc.setdefault(cid, [0, 0, 0])
        sign = -1 if kind in (Kind.SALE_VOID.value, Kind.VOID.value) else 1
        slot = 2 if kind in (Kind.REDEEM.value, Kind.VOID.value) else (1 if by_operator else 0)
        line[slot] += sign * int(n)
    return {cid: Counts(*v) for cid, v in acc.items()}


@dataclass(frozen=True, slots=True)
class CampaignLiability:
    campaign_id: str
    name: str
    counts: Counts
    value_cents: int  # what one voucher is worth on the day (value of the day)
    buyers_cents: int  # the buyers' money in the outstanding vouchers
    topup_cents: int  # the funders' top-up in them

    @property
    def outstanding_cents(self) -> int:
        return self.buyers_cents + self.topup_cents

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "name": self.name, "sold_count": self.counts.sold,
                "ordered_count": self.counts.ordered, "redeemed_count": self.counts.redeemed,
                "outstanding_count": self.counts.outstanding, "value_cents": self.value_cents,
                "outstanding_cents": self.outstanding_cents, "buyers_cents": self.buyers_cents,
                "topup_cents": self.topup_cents}


def _by_paid(session: Session, last_day: date) -> dict[str, dict[int | None, int]]:
    """Per campaign and price its buyers paid (None: the campaign's), the vouchers outstanding by the end of
    ``last_day``: a sale counts at the price it recorded, a redemption at its voucher's."""
    sales = session.execute(
        select(Activity.campaign_id, Activity.kind, Activity.sale_price_cents, func.count())
        .where(Activity.kind.in_([Kind.ACTIVATE.value, Kind.SALE_VOID.value]), Activity.business_day <= last_day)
        .group_by(Activity.campaign_id, Activity.kind, Activity.sale_price_cents)).all()
    spent = session.execute(
        select(Activity.campaign_id, Activity.kind, Voucher.paid_cents, func.count())
        .join(Voucher, Voucher.serial == Activity.serial)
        .where(Activity.kind.in_([Kind.REDEEM.value, Kind.VOID.value]), Activity.business_day <= last_day)
        .group_by(Activity.campaign_id, Activity.kind, Voucher.paid_cents)).all()
    acc: dict[str, dict[int | None, int]] = {}
    for cid, kind, paid, n in [*sales, *spent]:
        sign = -1 if kind in (Kind.SALE_VOID.value, Kind.REDEEM.value) else 1
        line = acc.setdefault(cid, {})
        line[paid] = line.get(paid, 0) + sign * int(n)
    return acc


def _line(camp: CoreCampaign, counts: Counts, day: date, by_paid: dict[int | None, int]) -> CampaignLiability:
    """The value of the day of the outstanding vouchers, split as the core splits one (``topup_on``)."""
    paid_of = {p: camp.sale_price_cents if p is None else p for p in by_paid}
    merged: dict[int, int] = {}
    for p, n in by_paid.items():
        merged[paid_of[p]] = merged.get(paid_of[p], 0) + n
    topup = sum(n * camp.topup_on(day, p) for p, n in merged.items())
    value = sum(n * camp.value_on(day, p) for p, n in merged.items())
    return CampaignLiability(camp.id, camp.name, counts, camp.value_on(day), value - topup, topup)


@dataclass(frozen=True, slots=True)
class Liability:
    at: date
    campaigns: list[CampaignLiability]

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(),
                "outstanding_count": sum(c.counts.outstanding for c in self.campaigns),
                "outstanding_cents": sum(c.outstanding_cents for c in self.campaigns),
                "buyers_cents": sum(c.buyers_cents for c in self.campaigns),
                "topup_cents": sum(c.topup_cents for c in self.campaigns),
                "campaigns": [c.as_json() for c in self.campaigns]}


def liability(session: Session, at: date) -> Liability:
    """At the end of Paris day ``at``: vouchers sold or ordered, not redeemed, not expired, at the value of that
    day, split into the buyers' money and the top-up, by campaign."""
    camps = core_campaigns(session)
    counts = _counts(session, at)
    by_paid = _by_paid(session, at)
    lines = [_line(camps[cid], counts[cid], at, by_paid.get(cid, {})) for cid in sorted(counts)
             if camps[cid].valid_until >= at]
    return Liability(at, lines)


@dataclass(frozen=True, slots=True)
class Breakage:
    """A campaign's vouchers left unspent at its end: the buyers' money the operator keeps, and the top-up its
    funders will never be invoiced for."""

    campaign_id: str
    name: str
    ended: bool  # False: the figures are what would expire if nothing more were spent
    valid_until: date
    counts: Counts
    unsold_count: int  # printed, never sold: no money involved
    value_cents: int
    buyers_cents: int
    topup_cents: int
    topup_by_funder: dict[str, int]  # "" is the part no funder covers

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "name": self.name, "ended": self.ended,
                "valid_until": self.valid_until.isoformat(), "expired_count": self.counts.outstanding,
                "expired_cents": self.buyers_cents + self.topup_cents, "value_cents": self.value_cents,
                "buyers_cents": self.buyers_cents, "topup_cents": self.topup_cents,
                "unsold_count": self.unsold_count,
                "by_funder": [{"funder_id": fid or None, "topup_cents": cents}
                              for fid, cents in sorted(self.topup_by_funder.items())]}


def breakage(session: Session, campaign_id: str, today: date) -> Breakage:
    """Expired vouchers of ``campaign_id`` and their amounts, by funder (``today`` tells whether it has ended)."""
    camp = core_campaigns(session).get(campaign_id)
    if camp is None:
        raise ValueError(f"no campaign {campaign_id}")
    last = camp.valid_until
    counts = _counts(session, last).get(campaign_id, Counts(0, 0, 0))
    line = _line(camp, counts, last, _by_paid(session, last).get(campaign_id, {}))
    unsold = session.scalar(select(func.count()).select_from(Voucher).where(
        Voucher.campaign_id == campaign_id, Voucher.state == VoucherState.ISSUED.value)) or 0
    return Breakage(campaign_id, camp.name, today > last, last, counts, int(unsold), line.value_cents,
                    line.buyers_cents, line.topup_cents, split_by_funder(session, campaign_id, line.topup_cents))
