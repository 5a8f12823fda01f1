"""One business day per operation, agreed by till and server.

The till books each redemption, sale and void on its open business day (its Paris day, or the next one once the
day is closed) and sends it. The server stores it if it is within a day of the Paris date of the operation's
moment (clocks may straddle midnight; a closed day moves the till to the next one) and is not a day the till had
already closed when the operation was written. A till that sends no day gets the server's Paris day.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import anyio.to_thread
from sqlalchemy import select

from voucher_core.timeutil import business_day, parse_utc_text, utc_now

from ..db import Database
from ..errors import ApiError
from ..models import TerminalClosing
from ..schemas import ClosingBody
from .common import ts
from .context import Caller

MAX_DAYS_APART = 1
_CACHE_SECONDS = 5.0  # like the token cache: a closing reported to another server process counts within 5 s


class ClosedDays:
    """Each terminal's reported closings (day -> closed_at), cached briefly per process."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _cache: ClassVar[dict[tuple[str, int], tuple[dict[date, datetime], float]]] = {}

    @classmethod
    def cached(cls, db: Database, terminal_id: int) -> dict[date, datetime] | None:
        """The terminal's closings if this process read them less than 5 s ago (no I/O), else None."""
        with cls._lock:
            hit = cls._cache.get((db.url, terminal_id))
        return hit[0] if hit is not None and hit[1] > time.monotonic() else None

    @classmethod
    def of(cls, db: Database, terminal_id: int) -> dict[date, datetime]:
        key = (db.url, terminal_id)
        hit = cls.cached(db, terminal_id)
        if hit is not None:
            return hit
        with db.reading() as s:
            rows = s.execute(select(TerminalClosing.day, TerminalClosing.closed_at)
                             .where(TerminalClosing.terminal_id == terminal_id)).all()
        days = {d: at if at.tzinfo else at.replace(tzinfo=UTC) for d, at in rows}
        with cls._lock:
            if len(cls._cache) > 10_000:
                cls._cache.clear()
            cls._cache[key] = (days, time.monotonic() + _CACHE_SECONDS)
        return days

    @classmethod
    def forget(cls, db: Database, terminal_id: int) -> None:
        with cls._lock:
            cls._cache.pop((db.url, terminal_id), None)


def agreed_day(db: Database, who: Caller, sent: str | None, moment: datetime, written_at: datetime | None) -> date:
    """The business day to store: the till's ``sent`` day if acceptable, else a refusal; the Paris day of
    ``moment`` when the till sent none. ``written_at`` is when the till wrote the operation (its client time);
    None for voids, whose day no per-day view uses (a void counts with the operation it undoes)."""
    paris = business_day(moment)
    if sent is None:
        return paris
    try:
        day = date.fromisoformat(sent)
    except ValueError:
        raise ApiError(422, "invalid_request", "business_day : date attendue.", fields=["business_day"]) from None
    if abs((day - paris).days) > MAX_DAYS_APART:
        raise ApiError(422, "business_day_out_of_range", "Journée comptable trop éloignée de la date du serveur.",
                       business_day=sent, server_day=paris.isoformat())
    closed_at = None if written_at is None else ClosedDays.of(db, who.terminal_id).get(day)
    if closed_at is not None and written_at is not None and written_at > closed_at:
        raise ApiError(409, "business_day_closed", "Cette journée est déjà clôturée sur cette caisse.",
                       business_day=sent, closed_at=ts(closed_at))
    return day


async def agreed_day_async(db: Database, who: Caller, sent: str | None, moment: datetime,
                           written_at: datetime) -> date:
    """:func:`agreed_day` for the event loop (the closings lookup runs in a worker thread on a cache miss)."""
    if sent is None:
        return business_day(moment)
    if ClosedDays.cached(db, who.terminal_id) is not None:  # the usual case: no thread hop on the hot path
        return agreed_day(db, who, sent, moment, written_at)
    return await anyio.to_thread.run_sync(agreed_day, db, who, sent, moment, written_at)


def record_closing(db: Database, who: Caller, body: ClosingBody) -> dict[str, Any]:
    """Remember a day the till closed (idempotent: the same closing again is fine; another one is refused)."""
    try:
        day, closed_at = date.fromisoformat(body.day), parse_utc_text(body.closed_at)
    except ValueError:
        raise ApiError(422, "invalid_request", "day / closed_at invalides.", fields=["day", "closed_at"]) from None
    if closed_at > utc_now() + timedelta(hours=1):
        raise ApiError(422, "invalid_request", "closed_at est dans le futur.", fields=["closed_at"])
    with db.writing() as s:
        row = s.get(TerminalClosing, (who.terminal_id, day))
        if row is None:
            row = TerminalClosing(terminal_id=who.terminal_id, day=day, closed_at=closed_at, ledger_seq=body.seq,
                                  ledger_hash=body.hash, reimbursement_cents=body.reimbursement_cents,
                                  remittance_cents=body.remittance_cents, received_at=utc_now())
            s.add(row)
        elif (row.ledger_seq, row.ledger_hash) != (body.seq, body.hash):
            raise ApiError(409, "closing_differs", "Une autre clôture de cette journée est déjà connue.",
                           seq=row.ledger_seq, hash=row.ledger_hash)
        out = {"day": row.day.isoformat(), "closed_at": ts(row.closed_at), "seq": row.ledger_seq,
               "hash": row.ledger_hash}
    ClosedDays.forget(db, who.terminal_id)
    return out
