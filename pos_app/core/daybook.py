"""The day book: a pure fold of ledger entries into voucher lines, their derived status, and totals.

Everyone who needs "what is the status of this redemption/sale" or "what are the day's totals" calls this
module (reports, CSV, closings, UI). No I/O: feed it :class:`~pos_app.core.ledger.LedgerEntry` objects.

Derived status (docs/architecture.md): voided if a VOID refs it; else conflict if a CONFLICT refs it;
else rejected (no money) if REJECTED; else accepted if CONFIRMED; else pending_sync.

Business day of a line: the entry's ``business_day``, unless that day was already closed when the entry was
written (its seq is after the day's closing): then it belongs to the next day that was open (see
:func:`assigned_day`). So a closed day never changes, even if a writer forgot to ask for the open day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .ledger import EntryKind, LedgerEntry

ACCEPTED, VOIDED, PENDING, CONFLICT, REJECTED = "accepted", "voided", "pending_sync", "conflict", "rejected"
STATUSES = (ACCEPTED, VOIDED, PENDING, CONFLICT, REJECTED)
SHOWN_STATUSES = (ACCEPTED, VOIDED, PENDING, CONFLICT)  # rejected ones never took the voucher: no money

REDEMPTION, SALE = "redemption", "sale"

_FOLLOWUPS: dict[str, tuple[str, str]] = {
    EntryKind.REDEMPTION_CONFIRMED: (REDEMPTION, "confirmed"),
    EntryKind.REDEMPTION_REJECTED: (REDEMPTION, "rejected"),
    EntryKind.REDEMPTION_CONFLICT: (REDEMPTION, "conflict"),
    EntryKind.VOID: (REDEMPTION, "void"),
    EntryKind.SALE_CONFIRMED: (SALE, "confirmed"),
    EntryKind.SALE_REJECTED: (SALE, "rejected"),
    EntryKind.SALE_CONFLICT: (SALE, "conflict"),
    EntryKind.SALE_VOID: (SALE, "void"),
}


@dataclass(slots=True)
class VoucherLine:
    """One redemption or sale as the books see it (amounts in cents)."""

    seq: int
    kind: str  # redemption | sale
    ts_utc: str
    business_day: str  # assigned business day (YYYY-MM-DD)
    voucher: str
    campaign_id: str
    amount_cents: int
    price_cents: int
    topup_cents: int
    mode: str
    idempotency_key: str
    cashier: str
    till_id: str
    confirmed: bool = False
    rejected: bool = False
    conflict: bool = False
    voided: bool = False
    server_id: Any = None
    verdict: str = ""
    followups: list[int] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The derived status (see module docstring)."""
        if self.voided:
            return VOIDED
        if self.conflict:
            return CONFLICT
        if self.rejected:
            return REJECTED
        if self.confirmed:
            return ACCEPTED
        return PENDING


def assigned_day(business_day: str, seq: int, day_closings: Mapping[str, int]) -> str:
    """The business day an entry belongs to, given ``day_closings`` (day -> seq of its CLOSING entry).

    An entry written after its day was closed moves to the next day not closed before it.
    """
    day = business_day
    while day in day_closings and seq > day_closings[day]:
        day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    return day


def open_day_after(day: date, closed_days: Iterable[str]) -> date:
    """``day`` itself if it is not closed, else the first later day that is not."""
    closed = set(closed_days)
    while day.isoformat() in closed:
        day += timedelta(days=1)
    return day


def fold(entries: Iterable[LedgerEntry], day_closings: Mapping[str, int] | None = None,
         upto_seq: int | None = None) -> dict[int, VoucherLine]:
    """Fold entries (in seq order) into voucher lines keyed by their opening entry's seq.

    ``upto_seq`` ignores later entries (the state as of a closing).
    """
    closings = day_closings or {}
    lines: dict[int, VoucherLine] = {}
    for e in entries:
        if upto_seq is not None and e.seq > upto_seq:
            break
        if e.kind in (EntryKind.REDEMPTION, EntryKind.SALE):
            lines[e.seq] = VoucherLine(
                seq=e.seq, kind=REDEMPTION if e.kind == EntryKind.REDEMPTION else SALE, ts_utc=e.ts_utc,
                business_day=assigned_day(e.business_day, e.seq, closings), voucher=e.voucher or "",
                campaign_id=e.campaign_id or "", amount_cents=e.amount_cents, price_cents=e.price_cents,
                topup_cents=e.topup_cents, mode=e.mode or "", idempotency_key=e.idempotency_key or "",
                cashier=e.cashier, till_id=e.till_id)
            continue
        if e.kind == EntryKind.OFFLINE_SWITCH and e.ref_seq in lines:
            # The network failed after the pending entry was written: this one was decided offline.
            lines[e.ref_seq].mode = "offline"
            continue
        follow = _FOLLOWUPS.get(e.kind)
        if follow is None or e.ref_seq is None:
            continue
        line = lines.get(e.ref_seq)
        if line is None or line.kind != follow[0]:
            continue  # a follow-up of an entry outside the folded range (or of the wrong kind): ignore
        line.followups.append(e.seq)
        what = follow[1]
        if what == "confirmed":
            line.confirmed = True
            # A serial the cache did not know was written pending with no amount: the server's answer has it.
            if not line.amount_cents and e.amount_cents:
                line.amount_cents, line.campaign_id = e.amount_cents, e.campaign_id or line.campaign_id
            if line.kind == SALE and not line.price_cents and e.price_cents:
                line.price_cents, line.topup_cents = e.price_cents, e.topup_cents
            line.server_id = e.data.get("redemption_id", e.data.get("sale_id", line.server_id))
        elif what == "rejected":
            line.rejected = True
            line.verdict = str(e.data.get("verdict", ""))
        elif what == "conflict":
            line.conflict = True
            line.verdict = str(e.data.get("verdict", ""))
        else:
            line.voided = True
    return lines


def _bucket() -> dict[str, int]:
    return {"count": 0, "cents": 0}


def totals(lines: Iterable[VoucherLine]) -> dict[str, Any]:
    """Totals of lines: per kind, per status, per campaign and status; the money figures that matter.

    - ``taken_cents``: face value of redemptions whose voucher the till kept (accepted, pending_sync, conflict):
      the period total.
    - ``owed_by_operator_cents``: face value of accepted (confirmed) redemptions: what the operator reimburses.
    - sales: ``collected_cents`` (price paid, sales not voided/rejected), ``owed_to_operator_cents`` (same),
      ``topup_cents`` (the funder's top-up on those), ``face_value_cents``.
    """
    out: dict[str, Any] = {}
    for kind in (REDEMPTION, SALE):
        out[kind] = {"count": 0, "by_status": {s: _bucket() for s in STATUSES}, "by_campaign": {}}
    red_taken = red_owed = 0
    collected = topup = sold_face = 0
    for line in lines:
        k = out[line.kind]
        st = line.status
        k["count"] += 1
        money = line.amount_cents
        k["by_status"][st]["count"] += 1
        k["by_status"][st]["cents"] += money
        camp = k["by_campaign"].setdefault(line.campaign_id, {s: _bucket() for s in STATUSES})
        camp[st]["count"] += 1
        camp[st]["cents"] += money
        if line.kind == REDEMPTION:
            if st in (ACCEPTED, PENDING, CONFLICT):
                red_taken += money
            if st == ACCEPTED:
                red_owed += money
        elif st in (ACCEPTED, PENDING, CONFLICT):
            collected += line.price_cents
            topup += line.topup_cents
            sold_face += money
    out["taken_cents"] = red_taken
    out["owed_by_operator_cents"] = red_owed
    out["sales_collected_cents"] = collected
    out["owed_to_operator_cents"] = collected
    out["sales_topup_cents"] = topup
    out["sales_face_value_cents"] = sold_face
    out["period_total_cents"] = red_taken + collected
    return out


def add_totals(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Sum two totals dicts (for monthly and yearly closings); numbers add, dicts merge recursively."""
    out: dict[str, Any] = {}
    for key in set(a) | set(b):
        va, vb = a.get(key), b.get(key)
        if isinstance(va, Mapping) or isinstance(vb, Mapping):
            out[key] = add_totals(va or {}, vb or {})
        elif isinstance(va, int) or isinstance(vb, int):
            out[key] = (va or 0) + (vb or 0)
    return out


def empty_totals() -> dict[str, Any]:
    """Totals of no line."""
    return totals([])
