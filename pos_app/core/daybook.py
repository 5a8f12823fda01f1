"""The day book: a pure fold of ledger entries into voucher lines, their derived status, and totals.

Everyone who needs "what is the status of this redemption/sale" or "what are the day's totals" calls this
module (reports, CSV, closings, UI). No I/O: feed it :class:`~voucher_core.ledger.LedgerEntry` objects.

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

from voucher_core.ledger import EntryKind, LedgerEntry

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
    conflict_by: str = ""  # who redeemed (or sold) it first, from the server's refusal
    conflict_at: str = ""  # when, UTC text

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
            # A serial the cache did not know was written pending with no amount or campaign: the server knows.
            if not line.amount_cents and e.amount_cents:
                line.amount_cents = e.amount_cents
            line.campaign_id = line.campaign_id or e.campaign_id or ""
            if line.kind == SALE and not line.price_cents and e.price_cents:
                line.price_cents, line.topup_cents = e.price_cents, e.topup_cents
            line.server_id = e.data.get("redemption_id", e.data.get("sale_id", line.server_id))
        elif what in ("rejected", "conflict"):
            setattr(line, what, True)
            line.verdict = str(e.data.get("verdict", ""))
            line.conflict_by = str(e.data.get("redeemed_by") or "")
            line.conflict_at = str(e.data.get("redeemed_at") or "")
        else:
            line.voided = True
    return lines


def _bucket() -> dict[str, int]:
    return {"count": 0, "cents": 0}


def settled_cents(line: VoucherLine) -> int:
    """What a line settles with the operator: a confirmed redemption's face value (the operator owes it to the
    shop), a confirmed sale's price (the seller owes it to the operator); nothing for any other status."""
    if line.status != ACCEPTED:
        return 0
    return line.amount_cents if line.kind == REDEMPTION else line.price_cents


def totals(lines: Iterable[VoucherLine]) -> dict[str, Any]:
    """Totals of lines: per kind, per status, per campaign and status; the money figures that matter.

    Refused scans (rejected: the voucher was never taken) count only in ``refused_count``.

    - ``taken_cents``: face value of redemptions whose voucher the till kept (accepted, pending_sync, conflict).
    - ``owed_by_operator_cents``: face value of accepted (confirmed) redemptions: what the operator reimburses.
    - sales: ``sales_collected_cents`` (price paid, sales kept: accepted, pending, conflict),
      ``owed_to_operator_cents`` (price of confirmed sales: what the seller remits), ``sales_topup_cents`` (the
      funder's top-up on the sales kept), ``sales_face_value_cents``.
    """
    out: dict[str, Any] = {}
    for kind in (REDEMPTION, SALE):
        out[kind] = {"count": 0, "by_status": {s: _bucket() for s in SHOWN_STATUSES}, "by_campaign": {}}
    sums = dict.fromkeys(("taken", "owed_by", "collected", "topup", "face", "owed_to", "refused"), 0)
    for line in lines:
        st = line.status
        if st == REJECTED:
            sums["refused"] += 1
            continue
        k = out[line.kind]
        k["count"] += 1
        k["by_status"][st]["count"] += 1
        k["by_status"][st]["cents"] += line.amount_cents
        camp = k["by_campaign"].setdefault(line.campaign_id, {s: _bucket() for s in SHOWN_STATUSES})
        camp[st]["count"] += 1
        camp[st]["cents"] += line.amount_cents
        kept = st != VOIDED
        if line.kind == REDEMPTION:
            sums["taken"] += line.amount_cents if kept else 0
            sums["owed_by"] += settled_cents(line)
        else:
            sums["collected"] += line.price_cents if kept else 0
            sums["topup"] += line.topup_cents if kept else 0
            sums["face"] += line.amount_cents if kept else 0
            sums["owed_to"] += settled_cents(line)
    out.update(taken_cents=sums["taken"], owed_by_operator_cents=sums["owed_by"],
               sales_collected_cents=sums["collected"], owed_to_operator_cents=sums["owed_to"],
               sales_topup_cents=sums["topup"], sales_face_value_cents=sums["face"],
               period_total_cents=sums["taken"] + sums["collected"], refused_count=sums["refused"])
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
