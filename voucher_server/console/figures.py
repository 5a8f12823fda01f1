"""A campaign's dashboard figures, from one function: the page, its charts and its CSV all read these numbers.

Sales and redemptions are net of their voids, counted on the business day the till booked each on (a void on its
own day).
Top-up spent is, per redemption, what the voucher was worth beyond what its buyer paid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from voucher_core.campaigns import Activity as Kind
from voucher_core.campaigns import VoucherState
from voucher_core.money import format_plain
from voucher_core.timeutil import business_day

from ..db import aware
from ..models import Activity, Campaign, Merchant, Voucher
from ..services.liability import breakage, liability
from ..services.periods import core_campaign

_SIGN = {Kind.ACTIVATE.value: 1, Kind.SALE_VOID.value: -1, Kind.REDEEM.value: 1, Kind.VOID.value: -1}


@dataclass
class DayFigures:
    sold_count: int = 0
    sold_cents: int = 0  # what buyers paid
    redeemed_count: int = 0
    redeemed_cents: int = 0  # what shops are owed
    topup_spent_cents: int = 0


@dataclass
class CampaignFigures:
    campaign_id: str
    today: date
    expired: bool
    issued: int = 0
    unsold: int = 0
    blocked: int = 0
    outstanding_count: int = 0
    outstanding_cents: int = 0
    expired_count: int = 0
    expired_cents: int = 0
    total: DayFigures = field(default_factory=DayFigures)
    per_day: dict[date, DayFigures] = field(default_factory=dict)
    per_shop: dict[str, DayFigures] = field(default_factory=dict)  # merchant name -> its redemptions or sales

    @property
    def leverage(self) -> float | None:
        """Turnover in shops per euro of public money (the top-up actually spent); None before any."""
        if self.total.topup_spent_cents <= 0:
            return None
        return self.total.redeemed_cents / self.total.topup_spent_cents


def campaign_figures(s: Session, camp: Campaign, today: date) -> CampaignFigures:
    """Every figure of the dashboard for ``camp`` as of the Paris day ``today``."""
    out = CampaignFigures(camp.id, today, expired=today > camp.valid_until)
    _voucher_states(s, camp, out)
    names = dict(s.execute(select(Merchant.id, Merchant.name)).all())
    core = core_campaign(camp)
    for kind, merchant_id, amount, price, the_day, n in _activity_groups(s, camp.id):
        sign = _SIGN[kind] * n
        day = out.per_day.setdefault(the_day, DayFigures())
        shop = out.per_shop.setdefault(names.get(merchant_id or "", merchant_id or "?"), DayFigures())
        for bucket in (day, shop, out.total):
            if kind in (Kind.ACTIVATE.value, Kind.SALE_VOID.value):
                bucket.sold_count += sign
                bucket.sold_cents += sign * (price or 0)
            else:
                bucket.redeemed_count += sign
                bucket.redeemed_cents += sign * amount
                # ``price`` is here what the voucher's buyer paid (None: the sale price): the core's rule.
                bucket.topup_spent_cents += sign * core.topup_of(amount, price)
    out.per_day = dict(sorted(out.per_day.items()))
    out.per_shop = dict(sorted(out.per_shop.items(), key=lambda kv: (-kv[1].redeemed_cents, kv[0])))
    return out


def _activity_groups(s: Session, campaign_id: str) -> list[tuple[str, str | None, int, int | None, date, int]]:
    """(kind, merchant, amount, price, business day, count): grouped in the database, a few hundred rows for a
    campaign of tens of thousands of vouchers. Operations stored before business days were: their Paris day.
    The price is a sale's price, or for a redemption or its void what the voucher's buyer paid (None: the
    campaign's sale price)."""
    spent = Activity.kind.in_([Kind.REDEEM.value, Kind.VOID.value])
    price = case((spent, Voucher.paid_cents), else_=Activity.sale_price_cents)
    cols = (Activity.kind, Activity.merchant_id, Activity.amount_cents, price)
    where = (Activity.campaign_id == campaign_id, Activity.kind.in_(list(_SIGN)))
    base = select(*cols).join(Voucher, Voucher.serial == Activity.serial)
    grouped = s.execute(base.add_columns(Activity.business_day, func.count())
                        .where(*where, Activity.business_day.is_not(None))
                        .group_by(*cols, Activity.business_day)).all()
    out = [(k, m, int(a), _int(p), d, int(n)) for k, m, a, p, d, n in grouped if d is not None]
    older = s.execute(base.add_columns(Activity.business_time)
                      .where(*where, Activity.business_day.is_(None))).all()
    out += [(k, m, int(a), _int(p), business_day(aware(t)), 1)  # type: ignore[arg-type]
            for k, m, a, p, t in older]
    return out


def _int(cents: int | None) -> int | None:
    return None if cents is None else int(cents)


def _voucher_states(s: Session, camp: Campaign, out: CampaignFigures) -> None:
    counts = dict(s.execute(select(Voucher.state, func.count()).where(Voucher.campaign_id == camp.id)
                            .group_by(Voucher.state)).all())
    out.issued = sum(counts.values())
    out.unsold = counts.get(VoucherState.ISSUED.value, 0)
    out.blocked = counts.get(VoucherState.BLOCKED.value, 0)
    # Sold and not redeemed: the money side's liability while the campaign runs (at the value of the day),
    # its breakage after the last day: the same figures as the liability page, CLI and PDF.
    if out.expired:
        b = breakage(s, camp.id, out.today)
        out.expired_count, out.expired_cents = b.counts.outstanding, b.buyers_cents + b.topup_cents
        return
    line = next((c for c in liability(s, out.today).campaigns if c.campaign_id == camp.id), None)
    if line is not None:
        out.outstanding_count, out.outstanding_cents = line.counts.outstanding, line.outstanding_cents


CSV_HEADER = ["section", "key", "sold_count", "sold_cents", "sold_eur", "redeemed_count", "redeemed_cents",
              "redeemed_eur", "topup_spent_cents", "topup_spent_eur"]


def figures_csv(fig: CampaignFigures) -> str:
    """The dashboard as CSV (semicolons and decimal commas, as French spreadsheets read them; cents too)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_HEADER)

    def line(section: str, key: str, d: DayFigures) -> None:
        w.writerow([section, key, d.sold_count, d.sold_cents, format_plain(d.sold_cents), d.redeemed_count,
                    d.redeemed_cents, format_plain(d.redeemed_cents), d.topup_spent_cents,
                    format_plain(d.topup_spent_cents)])

    line("total", fig.campaign_id, fig.total)
    for day, d in fig.per_day.items():
        line("day", day.isoformat(), d)
    for name, d in fig.per_shop.items():
        line("shop", name, d)
    w.writerow([])
    w.writerow(["state", "count", "cents"])
    for key, count, cents in (("issued", fig.issued, 0), ("unsold", fig.unsold, 0), ("blocked", fig.blocked, 0),
                              ("outstanding", fig.outstanding_count, fig.outstanding_cents),
                              ("expired", fig.expired_count, fig.expired_cents)):
        w.writerow([key, count, cents])
    lev = fig.leverage
    w.writerow(["leverage", "" if lev is None else f"{lev:.2f}".replace(".", ","), ""])
    return buf.getvalue()
