"""Reconciliation of a day's till lines with the server's ``/ledger`` answer, and the closings' own check."""

from __future__ import annotations

from typing import Any

from voucher_core.ledger import EntryKind

from ..core import daybook
from ..core.daybook import VoucherLine
from ..reports.model import Reconciliation, ReconItem
from ..store.closings import ClosingStore
from ..store.db import Database
from ..store.ledger import LedgerStore


def check_closings(db: Database) -> list[str]:
    """Each closings row must match its CLOSING ledger entry (kind, period, totals), and each CLOSING entry
    must have its row: the chain guards the entries, this guards the table readers use."""
    problems: list[str] = []
    with db.reading() as conn:
        rows = ClosingStore.all_in(conn)
        entries = {e.seq: e for e in LedgerStore.of_kind_in(conn, EntryKind.CLOSING.value)}
    for c in rows:
        e = entries.pop(c.ledger_seq, None)
        if e is None or not isinstance(e.data, dict):
            problems.append(f"closing {c.kind} {c.period} points at entry {c.ledger_seq}, which is not a closing")
        elif (e.data.get("closing_kind"), e.data.get("period"), e.data.get("totals")) != (c.kind, c.period, c.totals):
            problems.append(f"closing {c.kind} {c.period} differs from its ledger entry {c.ledger_seq}")
    problems += [f"entry {seq} is a closing with no row in the closings table" for seq in sorted(entries)]
    return problems


def _item_for(line: VoucherLine, act: dict[str, Any] | None, voided_ids: set[Any]) -> ReconItem:
    base: dict[str, Any] = dict(serial=line.voucher, campaign_id=line.campaign_id, amount_cents=line.amount_cents,
                                what=line.kind, line_seq=line.seq)
    st = line.status
    if act is None:
        if st == daybook.CONFLICT:
            return ReconItem("conflict", note=line.verdict or "refused", **base)
        return ReconItem("only_here", note="not_synced" if st == daybook.PENDING else "missing_on_server", **base)
    server_voided = act.get("id") in voided_ids
    if st == daybook.CONFLICT:
        return ReconItem("conflict", note=line.verdict or "refused", server_id=act.get("id"), **base)
    if act.get("amount_cents") != line.amount_cents:
        return ReconItem("conflict", note="amount_differs", server_id=act.get("id"), **base)
    if server_voided != (st == daybook.VOIDED):
        return ReconItem("conflict", note="void_differs", server_id=act.get("id"), **base)
    return ReconItem("matched", note="confirmed_on_server" if st == daybook.PENDING else "",
                     server_id=act.get("id"), terminal=str(act.get("terminal", "")), **base)


def reconcile_lines(day: str, lines: list[VoucherLine], server: dict[str, Any]) -> Reconciliation:
    """Pure comparison of till lines with a /ledger answer (see docs/books.md for the four kinds)."""
    acts = server.get("activities", [])
    opens = {a.get("idempotency_key"): a for a in acts if a.get("kind") in ("redeem", "activate")}
    voided_ids = {a.get("ref_id") for a in acts if a.get("kind") in ("void", "sale_void")}
    items: list[ReconItem] = []
    seen: set[str] = set()
    for line in sorted(lines, key=lambda x: x.seq):
        if line.status == daybook.REJECTED:
            continue
        act = opens.get(line.idempotency_key)
        if act is not None:
            seen.add(line.idempotency_key)
        items.append(_item_for(line, act, voided_ids))
    for key, act in opens.items():
        if key in seen:
            continue
        items.append(ReconItem("only_server", serial=str(act.get("serial", "")),
                               campaign_id=str(act.get("campaign_id", "")),
                               amount_cents=int(act.get("amount_cents", 0)),
                               what="redemption" if act.get("kind") == "redeem" else "sale",
                               note="voided" if act.get("id") in voided_ids else "", server_id=act.get("id"),
                               terminal=str(act.get("terminal", ""))))
    return Reconciliation(day, items, dict(server.get("totals", {})))
