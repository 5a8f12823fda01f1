"""Each till's ledger chain as the server knows it: a head is acknowledged only when it extends the last one.

The till uploads, with its head, the link (seq, prev_hash, hash) of every entry since the head acknowledged last.
The server keeps every link, so an edited, deleted or rewritten entry it has seen, a shortened ledger, or a chain
forked below the acknowledged head is refused with a stable code, and the terminal is flagged for the operator
(``terminals.ledger_alarm``). A confirmed redemption in the chain must be one this till really made here.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from voucher_core.ledger import GENESIS_HASH
from voucher_core.timeutil import utc_now

from ..errors import ApiError
from ..models import Activity, TerminalLedgerEntry
from ..models import Terminal as TerminalRow
from ..schemas import LedgerHeadBody, LedgerLink
from .common import ts
from .context import Caller, Context

log = logging.getLogger("voucher_server")
CHAIN_PAGE = 5000


class ChainRefused(Exception):
    """Why a head is refused: ``code`` (stable), the first entry ``seq`` that is wrong, and a reason in English."""

    def __init__(self, code: str, seq: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.seq, self.reason = code, seq, reason


def head_body(t: TerminalRow) -> dict[str, Any]:
    return {"seq": t.ledger_head_seq, "hash": t.ledger_head_hash, "acknowledged_at": ts(t.ledger_head_at),
            "alarm": t.ledger_alarm, "alarm_seq": t.ledger_alarm_seq}


def _own_order(links: list[LedgerLink], seq: int, hash_: str) -> None:
    """The uploaded links are consecutive, chained to each other, and end at the claimed head."""
    for before, link in itertools.pairwise(links):
        if link.seq != before.seq + 1:
            raise ChainRefused("ledger_chain_broken", before.seq + 1, f"entry {before.seq + 1} missing")
        if link.prev_hash != before.hash:
            raise ChainRefused("ledger_chain_broken", link.seq, f"entry {link.seq} does not follow {before.seq}")
    last = links[-1]
    if (last.seq, last.hash) != (seq, hash_):
        raise ChainRefused("ledger_chain_broken", last.seq, "the links do not end at the head")


def _known_hashes(s: Session, t: TerminalRow, first: int, last: int) -> dict[int, str]:
    """seq -> hash the server holds for this till between ``first`` and ``last`` (the head at least)."""
    rows = s.execute(select(TerminalLedgerEntry.seq, TerminalLedgerEntry.hash).where(
        TerminalLedgerEntry.terminal_id == t.id, TerminalLedgerEntry.seq >= first,
        TerminalLedgerEntry.seq <= last)).all()
    known = {int(seq): h for seq, h in rows}
    if t.ledger_head_seq and first <= t.ledger_head_seq <= last:
        known.setdefault(t.ledger_head_seq, t.ledger_head_hash)  # a head acknowledged before links were kept
    if first <= 0:
        known[0] = GENESIS_HASH
    return known


def check_extends(s: Session, t: TerminalRow, who: Caller, body: LedgerHeadBody) -> list[LedgerLink]:
    """The links to store, or raise :class:`ChainRefused`."""
    if body.broken_at is not None:  # an edit that kept the links (hash not recomputed): only the till can see it
        raise ChainRefused("ledger_broken_on_till", body.broken_at, f"the till reports entry {body.broken_at} bad")
    head = t.ledger_head_seq
    if body.seq < head:
        raise ChainRefused("ledger_head_regressed", body.seq + 1, f"entries {body.seq + 1}..{head} are gone")
    links = sorted(body.entries, key=lambda link: link.seq)
    if not links:
        if (body.seq, body.hash) == (head, t.ledger_head_hash) or (body.seq == 0 and head == 0):
            return []
        raise ApiError(422, "ledger_links_missing", seq=head)
    _own_order(links, body.seq, body.hash)
    if links[0].seq > head + 1:
        raise ApiError(422, "ledger_links_missing", seq=head)
    known = _known_hashes(s, t, links[0].seq - 1, head)
    before = known.get(links[0].seq - 1)
    if before is not None and links[0].prev_hash != before:
        raise ChainRefused("ledger_chain_broken", links[0].seq, f"entry {links[0].seq} does not follow the chain")
    for link in links:
        if link.seq in known and known[link.seq] != link.hash:
            raise ChainRefused("ledger_chain_broken", link.seq, f"entry {link.seq} differs from the one received")
    fresh = [link for link in links if link.seq > head]
    _confirmations_are_real(s, who, fresh)
    return fresh


def _confirmations_are_real(s: Session, who: Caller, links: list[LedgerLink]) -> None:
    """A confirmed redemption names a redemption of this terminal with that amount (a forged one does not)."""
    claims = {link.server_id: link for link in links if link.kind == "redemption_confirmed"}
    if not claims:
        return
    rows = s.execute(select(Activity.id, Activity.amount_cents).where(
        Activity.id.in_([k for k in claims if k is not None]), Activity.terminal_id == who.terminal_id,
        Activity.kind == "redeem")).all()
    found = {int(rid): int(amount) for rid, amount in rows}
    for rid, link in sorted(claims.items(), key=lambda item: item[1].seq):
        if rid is None or found.get(rid) != link.amount_cents:
            raise ChainRefused("ledger_entry_unknown", link.seq, f"entry {link.seq}: no such redemption here")


def post_head(ctx: Context, who: Caller, body: LedgerHeadBody) -> dict[str, Any]:
    """Acknowledge the till's head if it extends the acknowledged chain; else flag the till and refuse (409).

    ``check_only`` (the till's verify-ledger) judges the same way and acknowledges nothing; a refusal flags too.
    """
    try:
        with ctx.db.writing() as s:
            t = s.get(TerminalRow, who.terminal_id, with_for_update=True)
            assert t is not None
            fresh = check_extends(s, t, who, body)
            if fresh and not body.check_only:
                now = utc_now()
                s.add_all(TerminalLedgerEntry(terminal_id=t.id, seq=link.seq, prev_hash=link.prev_hash,
                                              hash=link.hash, received_at=now) for link in fresh)
                t.ledger_head_seq, t.ledger_head_hash, t.ledger_head_at = body.seq, body.hash, now
            return head_body(t)
    except ChainRefused as refused:
        _flag(ctx, who, refused)
        raise ApiError(409, refused.code, seq=refused.seq, reason=refused.reason) from None


def _flag(ctx: Context, who: Caller, refused: ChainRefused) -> None:
    """Flag the terminal for the operator, in a transaction of its own (the refused one rolled back)."""
    log.warning("terminal %s: ledger refused (%s at entry %s): %s", who.terminal_id, refused.code, refused.seq,
                refused.reason)
    with ctx.db.writing() as s:
        s.execute(update(TerminalRow).where(TerminalRow.id == who.terminal_id).values(
            ledger_alarm=refused.code, ledger_alarm_seq=refused.seq, ledger_alarm_at=utc_now()))


def get_head(ctx: Context, who: Caller) -> dict[str, Any]:
    with ctx.db.reading() as s:
        t = s.get(TerminalRow, who.terminal_id)
        assert t is not None
        return head_body(t)


def chain_page(ctx: Context, who: Caller, after: int, limit: int) -> dict[str, Any]:
    """The links the server holds for this till after ``after``, for the till's own verification."""
    with ctx.db.reading() as s:
        t = s.get(TerminalRow, who.terminal_id)
        assert t is not None
        rows = s.execute(select(TerminalLedgerEntry.seq, TerminalLedgerEntry.prev_hash, TerminalLedgerEntry.hash)
                         .where(TerminalLedgerEntry.terminal_id == t.id, TerminalLedgerEntry.seq > after)
                         .order_by(TerminalLedgerEntry.seq).limit(limit)).all()
        return {"head": head_body(t), "entries": [{"seq": seq, "prev_hash": p, "hash": h} for seq, p, h in rows]}


def alarm_count(s: Session) -> int:
    """How many tills are flagged (the console's home shows it)."""
    return int(s.scalar(select(func.count()).select_from(TerminalRow).where(TerminalRow.ledger_alarm.is_not(None)))
               or 0)


def reset_chain(s: Session, terminal_id: int) -> None:
    """Operator (CLI reset-till-ledger and the console): forget a terminal's chain and alarm, for a till whose file
    was replaced (new computer, restored backup) after the operator checked it: its next head starts a new chain."""
    s.execute(delete(TerminalLedgerEntry).where(TerminalLedgerEntry.terminal_id == terminal_id))
    s.execute(update(TerminalRow).where(TerminalRow.id == terminal_id).values(
        ledger_head_seq=0, ledger_head_hash="", ledger_head_at=None, ledger_alarm=None, ledger_alarm_seq=None,
        ledger_alarm_at=None))
