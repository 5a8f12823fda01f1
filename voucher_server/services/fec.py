"""The scheme's journal entries for a period of Paris business days: what the FEC export writes.

Each money event the server records becomes one balanced entry per business day and counterpart, with amounts
from the figure functions' own rules (the core's value of the day and ``topup_of``, ``funder_invoice``,
``breakage``, the commission invoices as issued, the payment and receipt records), so the books cannot say
otherwise than the statements, remittances and invoices. docs/books.md, "The accountant's export (FEC)".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from voucher_core.campaigns import Activity as Kind
from voucher_core.campaigns import Campaign as CoreCampaign
from voucher_core.timeutil import business_day

from ..db import aware
from ..models import Activity, Merchant, Voucher
from ..models_commission import CommissionInvoice, InvoiceKind
from ..models_money import BulkOrder, Funder, PaymentMethod, RemittanceReceipt, StatementPayment
from .chart import Role
from .funders import funder_invoice, split_by_funder, topup_spent
from .liability import breakage
from .online_settlement import provider_fees
from .periods import Period, core_campaigns


class Journal(StrEnum):
    VT = "VT"  # sales: vouchers, bulk orders, commission and funder invoices
    OD = "OD"  # redemptions, voids, breakage
    BQ = "BQ"  # bank and cash: payouts, remittances, order payments


JOURNAL_NAMES = {Journal.VT: "Ventes", Journal.OD: "Opérations diverses", Journal.BQ: "Banque"}


@dataclass(frozen=True, slots=True)
class Line:
    role: Role
    debit_cents: int = 0
    credit_cents: int = 0
    aux: str = ""  # auxiliary account: merchant, funder, campaign or order
    aux_name: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    journal: Journal
    day: date
    piece: str
    label: str
    lines: tuple[Line, ...]

    @property
    def debit_cents(self) -> int:
        return sum(x.debit_cents for x in self.lines)

    @property
    def credit_cents(self) -> int:
        return sum(x.credit_cents for x in self.lines)


@dataclass(slots=True)
class _Names:
    merchants: dict[str, str] = field(default_factory=dict)
    funders: dict[str, str] = field(default_factory=dict)
    campaigns: dict[str, CoreCampaign] = field(default_factory=dict)


def _names(session: Session) -> _Names:
    merchants = {str(k): str(v) for k, v in session.execute(select(Merchant.id, Merchant.name))}
    funder_names = {str(k): str(v) for k, v in session.execute(select(Funder.id, Funder.name))}
    return _Names(merchants, funder_names, core_campaigns(session))


def _in(period: Period) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return Activity.business_day >= period.start, Activity.business_day <= period.end


def _sales(session: Session, period: Period, n: _Names) -> list[Entry]:
    """A tobacconist's sales of a day (cash due from it, the buyers' money held), and its sale voids."""
    orig = aliased(Activity)
    acc: dict[tuple[date | None, str | None, str], int] = defaultdict(int)
    rows = session.execute(
        select(Activity.business_day, Activity.merchant_id, Activity.kind, orig.sale_price_cents,
               Activity.sale_price_cents)
        .outerjoin(orig, orig.id == Activity.ref_id)
        .where(Activity.kind.in_([Kind.ACTIVATE.value, Kind.SALE_VOID.value]), Activity.merchant_id.is_not(None),
               *_in(period))).all()
    for day, mid, kind, orig_price, price in rows:
        acc[(day, mid, kind)] += int(orig_price if kind == Kind.SALE_VOID.value and orig_price is not None
                                     else price)
    out = []
    for (day_, mid_, kind), cents in sorted(acc.items(), key=lambda kv: str(kv[0])):
        day, mid = day_ or period.start, mid_ or ""
        seller = Line(Role.SHOPS, cents, 0, mid, n.merchants.get(mid, mid))
        holders = Line(Role.HOLDERS, 0, cents)
        if kind == Kind.ACTIVATE.value:
            out.append(Entry(Journal.VT, day, f"VT{day:%Y%m%d}{mid}", f"Ventes de bons {mid}", (seller, holders)))
        else:
            out.append(Entry(Journal.VT, day, f"AV{day:%Y%m%d}{mid}", f"Annulations de ventes {mid}",
                             (_flip(holders), _flip(seller))))
    return out


def _flip(line: Line) -> Line:
    return Line(line.role, line.credit_cents, line.debit_cents, line.aux, line.aux_name)


def _redemption_lines(n: _Names, mid: str, parts: dict[str, list[int]]) -> tuple[Line, ...]:
    """Per campaign [value, buyers' money, top-up, operator's cost]: the shop is owed the value of the day."""
    value = sum(p[0] for p in parts.values())
    lines = [Line(Role.HOLDERS, sum(p[1] for p in parts.values()))]
    lines += [Line(Role.TOPUP_ACCRUED, p[2], 0, cid, n.campaigns[cid].name) for cid, p in sorted(parts.items())
              if p[2]]
    if cost := sum(p[3] for p in parts.values()):
        lines.append(Line(Role.OPERATOR_COST, cost))
    lines.append(Line(Role.SHOPS, 0, value, mid, n.merchants.get(mid, mid)))
    return tuple(x for x in lines if x.debit_cents or x.credit_cents)


def _split(camp: CoreCampaign, value: int, paid: int | None) -> list[int]:
    """A redemption worth ``value``: [value, from the buyer's money, the funder's top-up, the operator's part]."""
    topup = camp.topup_of(value, paid)
    buyer = camp.sale_price_cents if paid is None else paid
    held = min(buyer, value - topup)
    return [value, held, topup, value - topup - held]


def _redemptions(session: Session, period: Period, n: _Names) -> list[Entry]:
    """A shop's redemptions of a day (the holders' money becomes owed to the shop, with the top-up to invoice),
    and its redemption voids on the void's own day, with the amounts of the redemption they undo."""
    orig = aliased(Activity)
    red = session.execute(
        select(Activity.business_day, Activity.merchant_id, Activity.kind, Activity.campaign_id,
               Activity.amount_cents, Voucher.paid_cents)
        .join(Voucher, Voucher.serial == Activity.serial)
        .where(Activity.kind == Kind.REDEEM.value, *_in(period))).all()
    voids = session.execute(
        select(Activity.business_day, Activity.merchant_id, Activity.kind, orig.campaign_id, orig.amount_cents,
               Voucher.paid_cents)
        .join(orig, orig.id == Activity.ref_id).join(Voucher, Voucher.serial == orig.serial)
        .where(Activity.kind == Kind.VOID.value, *_in(period))).all()
    acc: dict[tuple[date | None, str | None, str], dict[str, list[int]]] = defaultdict(dict)
    for day, mid, kind, cid, amount, paid in [*red, *voids]:
        part = acc[(day, mid, kind)].setdefault(cid, [0, 0, 0, 0])
        for i, cents in enumerate(_split(n.campaigns[cid], int(amount), paid)):
            part[i] += cents
    out = []
    for (day_, mid_, kind), parts in sorted(acc.items(), key=lambda kv: str(kv[0])):
        day, mid = day_ or period.start, mid_ or ""
        lines = _redemption_lines(n, mid, parts)
        if kind == Kind.REDEEM.value:
            out.append(Entry(Journal.OD, day, f"RB{day:%Y%m%d}{mid}", f"Bons encaissés {mid}", lines))
        else:
            out.append(Entry(Journal.OD, day, f"AR{day:%Y%m%d}{mid}", f"Annulations d'encaissements {mid}",
                             tuple(_flip(x) for x in reversed(lines))))
    return out


def _money_role(method: str) -> Role:
    return Role.CASH if method == PaymentMethod.CASH.value else Role.BANK


def _payments(session: Session, period: Period, n: _Names) -> list[Entry]:
    """Payouts to shops and remittances received from tobacconists, on the Paris day they were recorded."""
    lo, hi = period.bounds_utc()
    out = []
    for p in session.scalars(select(StatementPayment).where(StatementPayment.paid_at >= lo,
                                                            StatementPayment.paid_at < hi)).all():
        day = business_day(aware(p.paid_at) or p.paid_at)
        shop = Line(Role.SHOPS, p.amount_cents, 0, p.merchant_id, n.merchants.get(p.merchant_id, p.merchant_id))
        out.append(Entry(Journal.BQ, day, f"PA{p.id:06d}",
                         f"Remboursement {p.merchant_id} {p.period_start:%d/%m/%Y}-{p.period_end:%d/%m/%Y}",
                         (shop, Line(_money_role(p.method), 0, p.amount_cents))))
    for r in session.scalars(select(RemittanceReceipt).where(RemittanceReceipt.received_at >= lo,
                                                             RemittanceReceipt.received_at < hi)).all():
        day = business_day(aware(r.received_at) or r.received_at)
        seller = Line(Role.SHOPS, 0, r.amount_cents, r.seller_id, n.merchants.get(r.seller_id, r.seller_id))
        out.append(Entry(Journal.BQ, day, f"RE{r.id:06d}",
                         f"Reversement {r.seller_id} {r.period_start:%d/%m/%Y}-{r.period_end:%d/%m/%Y}",
                         (Line(_money_role(r.method), r.amount_cents), seller)))
    return out


def _orders(session: Session, period: Period) -> list[Entry]:
    """A bulk order (the buyer owes its total, the buyers' money held) and the buyer's transfer."""
    lo, hi = period.bounds_utc()
    out = []
    for o in session.scalars(select(BulkOrder).order_by(BulkOrder.id)).all():
        aux = f"CMD{o.id:06d}"
        ordered = business_day(aware(o.ordered_at) or o.ordered_at)
        if period.start <= ordered <= period.end:
            out.append(Entry(Journal.VT, ordered, aux, f"Commande de {o.count} bons {o.buyer}"[:100],
                             (Line(Role.BUYERS, o.total_cents, 0, aux, o.buyer), Line(Role.HOLDERS, 0, o.total_cents))))
        paid = aware(o.paid_at)
        if paid is not None and lo <= paid < hi:
            out.append(Entry(Journal.BQ, business_day(paid), f"PC{o.id:06d}", f"Paiement commande {aux}",
                             (Line(Role.BANK, o.total_cents), Line(Role.BUYERS, 0, o.total_cents, aux, o.buyer))))
    return out


def _commission(session: Session, period: Period, n: _Names) -> list[Entry]:
    """Commission invoices (the shop owes the TTC; revenue HT and VAT collected) and credit notes reversing them."""
    out = []
    for inv in session.scalars(select(CommissionInvoice).where(
            CommissionInvoice.issue_day >= period.start, CommissionInvoice.issue_day <= period.end)).all():
        shop = Line(Role.SHOPS, inv.ttc_cents, 0, inv.merchant_id, n.merchants.get(inv.merchant_id, ""))
        lines: tuple[Line, ...] = (shop, Line(Role.COMMISSION, 0, inv.commission_cents),
                                   Line(Role.VAT, 0, inv.vat_cents))
        if inv.kind == InvoiceKind.CREDIT_NOTE.value:
            lines = tuple(_flip(x) for x in lines)
        out.append(Entry(Journal.VT, inv.issue_day, inv.number, f"Commission {inv.merchant_id} {inv.number}",
                         tuple(x for x in lines if x.debit_cents or x.credit_cents)))
    return out


def month_ends(period: Period) -> list[Period]:
    """The calendar months whose last day falls in ``period``: a funder is invoiced per month, on its last day."""
    out = []
    day = period.start
    while day <= period.end:
        nxt = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        if nxt - timedelta(days=1) <= period.end:
            out.append(Period(day.replace(day=1), nxt - timedelta(days=1)))
        day = nxt
    return out


def _funders(session: Session, period: Period, n: _Names) -> list[Entry]:
    """Each month's funder invoices (``funder_invoice``): the top-up to invoice becomes the funder's debt; the
    part no funder covers is the operator's cost."""
    out = []
    for month in month_ends(period):
        for fid in sorted(n.funders):
            inv = funder_invoice(session, fid, month)
            lines = [Line(Role.TOPUP_ACCRUED, 0, x.topup_cents, x.campaign_id, x.campaign_name)
                     for x in inv.lines if x.topup_cents]
            if lines:
                out.append(Entry(Journal.VT, month.end, f"FF{month.end:%Y%m}{fid}",
                                 f"Abondement {fid} {month.end:%m/%Y}",
                                 (Line(Role.FUNDERS, inv.topup_cents, 0, fid, inv.name), *lines)))
        for cid, spent in topup_spent(session, month).items():
            if rest := split_by_funder(session, cid, spent.topup_cents).get("", 0):
                out.append(Entry(Journal.OD, month.end, f"FO{month.end:%Y%m}{cid}", f"Abondement non financé {cid}",
                                 (Line(Role.OPERATOR_COST, rest),
                                  Line(Role.TOPUP_ACCRUED, 0, rest, cid, n.campaigns[cid].name))))
    return out


def _breakage(session: Session, period: Period, n: _Names) -> list[Entry]:
    """On the first day after a campaign's end, the buyers' money left in its vouchers is the operator's."""
    out = []
    for cid, camp in sorted(n.campaigns.items()):
        day = camp.valid_until + timedelta(days=1)
        if not period.start <= day <= period.end:
            continue
        cents = breakage(session, cid, day).buyers_cents
        if cents:
            out.append(Entry(Journal.OD, day, f"BR{cid}", f"Bons non utilisés {cid}",
                             (Line(Role.HOLDERS, cents), Line(Role.BREAKAGE, 0, cents))))
    return out


def _provider_payouts(session: Session, period: Period) -> list[Entry]:
    """Each payout of the online payment provider: the bank gets the net, the fee is a bank charge (no VAT: an
    exempt financial service), and the provider's account is cleared of the gross it collected for the scheme."""
    return [Entry(Journal.BQ, f.day, f"PP{f.day:%Y%m%d}{f.reference}"[:60],
                  f"Versement {f.provider_name} {f.reference}",
                  tuple(x for x in (Line(Role.BANK, f.net_cents), Line(Role.BANK_FEES, f.fee_cents),
                                    Line(Role.SHOPS, 0, f.gross_cents, f.provider_id, f.provider_name))
                        if x.debit_cents or x.credit_cents))
            for f in provider_fees(session, period)]


JOURNAL_ORDER = {Journal.VT: 0, Journal.OD: 1, Journal.BQ: 2}


def book_entries(session: Session, period: Period) -> list[Entry]:
    """Every entry of ``period``, by day, journal and piece: the order of the FEC's ``EcritureNum``."""
    n = _names(session)
    entries = [*_sales(session, period, n), *_orders(session, period), *_redemptions(session, period, n),
               *_payments(session, period, n), *_commission(session, period, n), *_funders(session, period, n),
               *_breakage(session, period, n), *_provider_payouts(session, period)]
    return sorted((e for e in entries if e.lines), key=lambda e: (e.day, JOURNAL_ORDER[e.journal], e.piece))
