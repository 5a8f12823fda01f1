"""The statement of a shop: what the operator owes it (and, for a seller, what it owes the operator) for a period,
by business day (the day the till booked each operation on), by campaign, by status and by till.

One function, :func:`shop_statement`, that every view uses: the CLI (``voucher-server statement``), the API
(``GET /api/v1/statement``, the shop's own terminals), the tills' reports and the operator's console. A
redemption counts on its own business day, for its face value, unless voided (whenever the void came); a sale
counts for its price the same way. Conflicts never reach the server's log: a refused upload is no redemption.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Activity, Merchant, Terminal, TerminalClosing
from .commission_rules import ShopCommission, commission_lines
from .common import ts
from .periods import Period

OPENINGS = ("redeem", "activate")
VOIDS = {"redeem": "void", "activate": "sale_void"}
CONFIRMED, VOIDED = "confirmed", "voided"


@dataclass(frozen=True, slots=True)
class Line:
    """One redemption or sale of the period as the statement counts it."""

    id: int
    kind: str  # redeem | activate
    day: date
    serial: str
    campaign_id: str
    terminal_id: int | None
    amount_cents: int  # face value
    price_cents: int  # sale price (sales)
    topup_cents: int  # funder's part (sales)
    voided: bool
    offline: bool
    server_time: str | None

    @property
    def status(self) -> str:
        return VOIDED if self.voided else CONFIRMED

    @property
    def owed_cents(self) -> int:
        """What this line settles: the face value of a redemption, the price of a sale; nothing once voided."""
        if self.voided:
            return 0
        return self.amount_cents if self.kind == "redeem" else self.price_cents


def statement_lines(session: Session, merchant_id: str, start: date, end: date) -> list[Line]:
    """The shop's redemptions and sales booked on business days ``start``..``end`` (inclusive), with their voids."""
    rows = session.execute(
        select(Activity).where(Activity.merchant_id == merchant_id, Activity.kind.in_(OPENINGS),
                               Activity.business_day >= start, Activity.business_day <= end)
        .order_by(Activity.business_day, Activity.server_time, Activity.id)).scalars().all()
    ids = [a.id for a in rows]
    voided: set[int] = set()
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk:chunk + 5000]
        voided.update(r for r in session.scalars(select(Activity.ref_id).where(
            Activity.kind.in_(tuple(VOIDS.values())), Activity.ref_id.in_(part))) if r is not None)
    return [Line(a.id, a.kind, a.business_day or start, a.serial, a.campaign_id, a.terminal_id, a.amount_cents,
                 a.sale_price_cents, a.topup_cents, a.id in voided, a.offline, ts(a.server_time)) for a in rows]


def _bucket() -> dict[str, int]:
    return {"count": 0, "cents": 0, "face_value_cents": 0, "topup_cents": 0}


def _add(bucket: dict[str, int], line: Line) -> None:
    bucket["count"] += 1
    bucket["cents"] += line.amount_cents if line.kind == "redeem" else line.price_cents
    bucket["face_value_cents"] += line.amount_cents
    bucket["topup_cents"] += line.topup_cents


def _sums(lines: Iterable[Line]) -> dict[str, Any]:
    """Counts and totals by kind and status; ``reimbursement_cents`` and ``remittance_cents``."""
    out: dict[str, Any] = {"redemption": {CONFIRMED: _bucket(), VOIDED: _bucket()},
                           "sale": {CONFIRMED: _bucket(), VOIDED: _bucket()}}
    for line in lines:
        _add(out["redemption" if line.kind == "redeem" else "sale"][line.status], line)
    out["reimbursement_cents"] = out["redemption"][CONFIRMED]["cents"]
    out["remittance_cents"] = out["sale"][CONFIRMED]["cents"]
    return out


def _tills(session: Session, merchant_id: str, start: date, end: date,
           lines: list[Line]) -> list[dict[str, Any]]:
    """Each till of the shop: what the server counts for it, and what its own closings claimed."""
    terms = session.execute(select(Terminal.id, Terminal.name).where(Terminal.merchant_id == merchant_id)
                            .order_by(Terminal.id)).all()
    closings = session.execute(select(TerminalClosing).join(Terminal, Terminal.id == TerminalClosing.terminal_id)
                               .where(Terminal.merchant_id == merchant_id, TerminalClosing.day >= start,
                                      TerminalClosing.day <= end)
                               .order_by(TerminalClosing.day)).scalars().all()
    out = []
    for tid, name in terms:
        own = [c for c in closings if c.terminal_id == tid]
        sums = _sums(x for x in lines if x.terminal_id == tid)
        out.append({"id": tid, "name": name, "reimbursement_cents": sums["reimbursement_cents"],
                    "remittance_cents": sums["remittance_cents"],
                    "redeemed_count": sums["redemption"][CONFIRMED]["count"],
                    "sold_count": sums["sale"][CONFIRMED]["count"],
                    "closings": [{"day": c.day.isoformat(), "closed_at": ts(c.closed_at), "seq": c.ledger_seq,
                                  "hash": c.ledger_hash, "reimbursement_cents": c.reimbursement_cents,
                                  "remittance_cents": c.remittance_cents} for c in own],
                    "claimed_cents": sum(c.reimbursement_cents for c in own),
                    "remitted_by_closings_cents": sum(c.remittance_cents for c in own)})
    return out


def shop_statement(session: Session, merchant_id: str, start: date, end: date) -> dict[str, Any]:
    """What the operator owes shop ``merchant_id`` for business days ``start``..``end`` (inclusive), and what
    the shop owes it for its sales: totals, counts by campaign and status, by business day, by till, the lines.

    ``reimbursement_cents``: face value of its redemptions not voided; ``remittance_cents``: price of its sales
    not voided; the operator's commission on that face value (``commission_cents`` HT, ``commission_vat_cents``,
    ``commission_ttc_cents``, ``deducted_cents``) and ``paid_cents``, what the operator transfers
    (``services.commission_rules``). Stable keys (JSON-ready); amounts in integer cents, times UTC text, days
    ``YYYY-MM-DD``.
    """
    merchant = session.get(Merchant, merchant_id)
    lines = statement_lines(session, merchant_id, start, end)
    sums = _sums(lines)
    commission = ShopCommission(merchant_id, Period(start, end), commission_lines(session, lines))
    campaigns = sorted({x.campaign_id for x in lines})
    days = sorted({x.day for x in lines})
    return {
        "merchant": {"id": merchant_id, "name": merchant.name if merchant else "",
                     "siret": merchant.siret if merchant else ""},
        "from": start.isoformat(), "to": end.isoformat(),
        "reimbursement_cents": sums["reimbursement_cents"], "remittance_cents": sums["remittance_cents"],
        **{k: v for k, v in commission.totals().items() if k != "face_value_cents"},
        "commission": {"by_campaign": commission.by_campaign(), "lines": [x.as_json() for x in commission.lines]},
        "counts": {"redeemed": sums["redemption"][CONFIRMED]["count"],
                   "redemptions_voided": sums["redemption"][VOIDED]["count"],
                   "sold": sums["sale"][CONFIRMED]["count"], "sales_voided": sums["sale"][VOIDED]["count"]},
        "by_status": {"redemption": sums["redemption"], "sale": sums["sale"]},
        "by_campaign": {c: _sums(x for x in lines if x.campaign_id == c) for c in campaigns},
        "by_day": [dict(_sums(x for x in lines if x.day == d), day=d.isoformat()) for d in days],
        "tills": _tills(session, merchant_id, start, end, lines),
        "lines": [{"id": x.id, "kind": x.kind, "day": x.day.isoformat(), "serial": x.serial,
                   "campaign_id": x.campaign_id, "terminal_id": x.terminal_id, "amount_cents": x.amount_cents,
                   "price_cents": x.price_cents, "topup_cents": x.topup_cents, "status": x.status,
                   "owed_cents": x.owed_cents, "offline": x.offline, "server_time": x.server_time}
                  for x in lines],
    }
