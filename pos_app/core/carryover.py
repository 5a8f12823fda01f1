"""Claims that carry over: what changed, since the previous closing, in lines of days already closed.

A day's closing claims the lines of its day as they stand at the closing. A redemption still pending at that
moment and confirmed later, a late conflict or a late void change what is owed for a day that is closed and can
never be edited; so the next closing carries the difference as its own named lines ("régularisations des
jours précédents"), each with the day it comes from. Summed over every closing, each confirmed redemption (and
each confirmed sale) is then claimed exactly once. Pure: feed it folded lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .daybook import REDEMPTION, VoucherLine, settled_cents


@dataclass(frozen=True, slots=True)
class Regularisation:
    """One earlier line whose status changed since the previous closing, and what that changes (cents)."""

    seq: int  # the opening entry (redemption or sale)
    origin_day: str  # the closed business day it belongs to
    kind: str  # redemption | sale
    serial: str
    campaign_id: str
    amount_cents: int
    before: str  # status as of the previous closing
    after: str  # status as of this closing
    owed_by_operator_delta_cents: int  # change of what the operator owes the shop
    owed_to_operator_delta_cents: int  # change of what the seller owes the operator
    verdict: str = ""
    conflict_by: str = ""
    conflict_at: str = ""

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> Regularisation:
        return Regularisation(**{k: d[k] for k in Regularisation.__slots__ if k in d})


def regularisations(before: Mapping[int, VoucherLine], after: Mapping[int, VoucherLine],
                    origin_days: Mapping[int, str]) -> list[Regularisation]:
    """Lines of closed days whose status differs between ``before`` and ``after`` (both keyed by seq)."""
    out: list[Regularisation] = []
    for seq in sorted(after):
        now, then = after[seq], before.get(seq)
        if then is None or then.status == now.status:
            continue
        delta = settled_cents(now) - settled_cents(then)
        red = now.kind == REDEMPTION
        out.append(Regularisation(
            seq=seq, origin_day=origin_days.get(seq, now.business_day), kind=now.kind, serial=now.voucher,
            campaign_id=now.campaign_id, amount_cents=now.amount_cents, before=then.status, after=now.status,
            owed_by_operator_delta_cents=delta if red else 0, owed_to_operator_delta_cents=0 if red else delta,
            verdict=now.verdict, conflict_by=now.conflict_by, conflict_at=now.conflict_at))
    return out


def summary(regs: Iterable[Regularisation]) -> dict[str, Any]:
    """The closing's ``regularisations`` block: count, the two money deltas, and the lines themselves."""
    items = list(regs)
    return {"count": len(items),
            "owed_by_operator_cents": sum(r.owed_by_operator_delta_cents for r in items),
            "owed_to_operator_cents": sum(r.owed_to_operator_delta_cents for r in items),
            "lines": [asdict(r) for r in items]}


def with_claims(totals: Mapping[str, Any], regs: Mapping[str, Any]) -> dict[str, Any]:
    """A day closing's totals with its regularisations and what it claims in all:
    ``reimbursement_cents`` (owed by the operator) and ``remittance_cents`` (owed to the operator)."""
    return dict(totals, regularisations=dict(regs),
                reimbursement_cents=totals["owed_by_operator_cents"] + regs["owed_by_operator_cents"],
                remittance_cents=totals["owed_to_operator_cents"] + regs["owed_to_operator_cents"])


def lines_of(totals: Mapping[str, Any]) -> list[Regularisation]:
    """The regularisation lines a closing's totals carry (none for a month or a year)."""
    block = totals.get("regularisations") or {}
    return [Regularisation.from_dict(d) for d in block.get("lines", [])]
