"""Funders of a campaign's top-up, and each funder's invoice: the top-up of the vouchers actually redeemed in a
period (value of the day: nothing once the top-up has ended), split between a campaign's funders by share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from voucher_core.campaigns import Activity as Kind

from ..models import Activity, Campaign, Voucher
from ..models_money import CampaignFunder, Funder
from .periods import Period, core_campaigns, split_cents

FULL_SHARE_BP = 10_000


def add_funder(session: Session, name: str, address: str = "", siret: str = "",
               funder_id: str | None = None) -> Funder:
    """A new funder (id F0001, F0002... unless given)."""
    if not name.strip():
        raise ValueError("a funder needs a name")
    if siret and not (siret.isdigit() and len(siret) == 14):
        raise ValueError("SIRET: 14 digits")
    count = session.scalar(select(func.count()).select_from(Funder)) or 0
    f = Funder(id=funder_id or f"F{count + 1:04d}", name=name.strip(), address=address, siret=siret)
    session.add(f)
    session.flush()
    return f


def list_funders(session: Session) -> list[Funder]:
    """Every funder, by id."""
    return list(session.scalars(select(Funder).order_by(Funder.id)).all())


def link_funder(session: Session, campaign_id: str, funder_id: str, share_bp: int = FULL_SHARE_BP) -> None:
    """Make ``funder_id`` pay ``share_bp`` / 10 000 of the campaign's top-up (shares may not exceed 10 000)."""
    if session.get(Campaign, campaign_id) is None:
        raise ValueError(f"no campaign {campaign_id}")
    if session.get(Funder, funder_id) is None:
        raise ValueError(f"no funder {funder_id}")
    if not 0 < share_bp <= FULL_SHARE_BP:
        raise ValueError("share: 1 to 10000 basis points")
    link = session.get(CampaignFunder, (campaign_id, funder_id))
    others = session.scalar(select(func.coalesce(func.sum(CampaignFunder.share_bp), 0)).where(
        CampaignFunder.campaign_id == campaign_id, CampaignFunder.funder_id != funder_id)) or 0
    if others + share_bp > FULL_SHARE_BP:
        raise ValueError(f"shares of {campaign_id} would exceed 100 %")
    if link is None:
        session.add(CampaignFunder(campaign_id=campaign_id, funder_id=funder_id, share_bp=share_bp))
    else:
        link.share_bp = share_bp
    session.flush()


def funder_shares(session: Session, campaign_id: str) -> list[tuple[str, int]]:
    """(funder id, share in basis points) of a campaign, by funder id."""
    rows = session.execute(select(CampaignFunder.funder_id, CampaignFunder.share_bp)
                           .where(CampaignFunder.campaign_id == campaign_id)
                           .order_by(CampaignFunder.funder_id)).all()
    return [(fid, int(bp)) for fid, bp in rows]


def split_by_funder(session: Session, campaign_id: str, cents: int) -> dict[str, int]:
    """``cents`` of a campaign's top-up split between its funders; an unfunded remainder stays with the operator
    under the key "" (shares below 100 %)."""
    shares = funder_shares(session, campaign_id)
    if not shares:
        return {"": cents}
    weights = [bp for _fid, bp in shares]
    rest = FULL_SHARE_BP - sum(weights)
    parts = split_cents(cents, weights + ([rest] if rest else []))
    out = {fid: part for (fid, _bp), part in zip(shares, parts, strict=False)}
    if rest:
        out[""] = parts[-1]
    return out


@dataclass(frozen=True, slots=True)
class TopupSpent:
    """A campaign's top-up on the vouchers redeemed in a period and not voided (as the shops' statements count)."""

    campaign_id: str
    redeemed_count: int
    redeemed_cents: int  # value of the day
    topup_cents: int


def topup_spent(session: Session, period: Period, campaign_ids: list[str] | None = None) -> dict[str, TopupSpent]:
    """Per campaign: the top-up part of what shops redeemed on the period's business days (the core's
    ``topup_of``: the amount recorded minus what the voucher's buyer paid, at most the campaign's top-up),
    leaving out redemptions voided since, as ``shop_statement`` does."""
    void = aliased(Activity)
    voided = exists().where(void.kind == Kind.VOID.value, void.ref_id == Activity.id)
    query = (select(Activity.campaign_id, Activity.amount_cents, Voucher.paid_cents, func.count())
             .join(Voucher, Voucher.serial == Activity.serial)
             .where(Activity.kind == Kind.REDEEM.value, Activity.business_day >= period.start,
                    Activity.business_day <= period.end, ~voided)
             .group_by(Activity.campaign_id, Activity.amount_cents, Voucher.paid_cents))
    if campaign_ids is not None:
        query = query.where(Activity.campaign_id.in_(campaign_ids))
    camps = core_campaigns(session)
    acc: dict[str, list[int]] = {}
    for cid, amount, paid, n in session.execute(query).all():
        line = acc.setdefault(cid, [0, 0, 0])
        line[0] += int(n)
        line[1] += int(n) * int(amount)
        # After the top-up's end, or for a voucher its buyer paid in full, there is no top-up in it.
        line[2] += int(n) * camps[cid].topup_of(int(amount), paid)
    return {cid: TopupSpent(cid, *v) for cid, v in sorted(acc.items())}


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    campaign_id: str
    campaign_name: str
    share_bp: int
    redeemed_count: int
    campaign_topup_cents: int  # the whole campaign's top-up spent in the period
    topup_cents: int  # this funder's part

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "campaign_name": self.campaign_name, "share_bp": self.share_bp,
                "redeemed_count": self.redeemed_count, "campaign_topup_cents": self.campaign_topup_cents,
                "topup_cents": self.topup_cents}


@dataclass(frozen=True, slots=True)
class FunderInvoice:
    funder_id: str
    name: str
    address: str
    period: Period
    lines: list[InvoiceLine]

    @property
    def topup_cents(self) -> int:
        return sum(line.topup_cents for line in self.lines)

    def as_json(self) -> dict[str, Any]:
        return {"funder_id": self.funder_id, "name": self.name, "address": self.address, **self.period.as_json(),
                "topup_cents": self.topup_cents, "lines": [line.as_json() for line in self.lines]}


def funder_invoice(session: Session, funder_id: str, period: Period) -> FunderInvoice:
    """What ``funder_id`` owes for ``period``: its share of the top-up of vouchers redeemed then (``topup_cents``)."""
    funder = session.get(Funder, funder_id)
    if funder is None:
        raise ValueError(f"no funder {funder_id}")
    links = session.execute(select(CampaignFunder.campaign_id, CampaignFunder.share_bp, Campaign.name)
                            .join(Campaign, Campaign.id == CampaignFunder.campaign_id)
                            .where(CampaignFunder.funder_id == funder_id).order_by(Campaign.id)).all()
    spent = topup_spent(session, period, [cid for cid, _bp, _name in links])
    lines = []
    for cid, bp, name in links:
        s = spent.get(cid, TopupSpent(cid, 0, 0, 0))
        part = split_by_funder(session, cid, s.topup_cents).get(funder_id, 0)
        lines.append(InvoiceLine(cid, name, int(bp), s.redeemed_count, s.topup_cents, part))
    return FunderInvoice(funder.id, funder.name, funder.address, period, lines)
