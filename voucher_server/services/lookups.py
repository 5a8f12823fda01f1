"""Unknown voucher numbers per terminal: a burst (someone guessing numbers) is rate limited harder than the usual
per-token limit, and counted per Paris day in ``unknown_lookups`` for the operator (CLI ``unknown-lookups``)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime

import anyio.to_thread
from sqlalchemy import Insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from voucher_core.timeutil import business_day, utc_now

from ..db import Database, aware, is_sqlite
from ..errors import ApiError
from ..models import Merchant, Terminal, UnknownLookup

log = logging.getLogger("voucher_server")

# A till meets an unknown number rarely (a mistyped digit is caught by the check digits first): 20 in a row,
# then one every 6 s, per terminal and server process. Beyond that every voucher look-up, redemption and sale of
# that terminal is answered 429 until the bucket refills.
UNKNOWN_BURST, UNKNOWN_RATE = 20.0, 1 / 6
FLUSH_EVERY = 1.0  # seconds between two writes of a terminal's refused count, per process
WARN_EVERY = 60.0


class Guesses:
    """The per-terminal bucket of unknown numbers, and the counts written to ``unknown_lookups``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._buckets: dict[int, tuple[float, float]] = {}
        self._pending: dict[int, tuple[int, int]] = {}  # terminal -> (unknown, refused) not yet written
        self._flushed: dict[int, float] = {}  # when refusals were last written
        self._warned: dict[int, float] = {}
        self._lock = threading.Lock()

    def _tokens(self, terminal_id: int, now: float) -> float:
        tokens, last = self._buckets.get(terminal_id, (UNKNOWN_BURST, now))
        return min(UNKNOWN_BURST, tokens + (now - last) * UNKNOWN_RATE)

    async def check(self, terminal_id: int) -> None:
        """Before a look-up: 429 while this terminal's bucket of unknown numbers is empty."""
        now = time.monotonic()
        with self._lock:
            tokens = self._tokens(terminal_id, now)
        if tokens >= 1:
            return
        await self._record(terminal_id, unknown=0, refused=1)
        raise ApiError(429, "rate_limited", retry_after=round((1 - tokens) / UNKNOWN_RATE, 3))

    async def unknown(self, terminal_id: int) -> None:
        """After an answer 404 ``unknown``: spend from the bucket and count it."""
        now = time.monotonic()
        with self._lock:
            self._buckets[terminal_id] = (self._tokens(terminal_id, now) - 1, now)
            if len(self._buckets) > 100_000:
                self._buckets.clear()
        await self._record(terminal_id, unknown=1, refused=0)

    async def _record(self, terminal_id: int, unknown: int, refused: int) -> None:
        now = time.monotonic()
        with self._lock:
            u, r = self._pending.get(terminal_id, (0, 0))
            self._pending[terminal_id] = (u + unknown, r + refused)
            # Every unknown answer is written (they are few: the bucket bounds them); refusals once a second.
            if not unknown and now - self._flushed.get(terminal_id, -1e9) < FLUSH_EVERY:
                return
            u, r = self._pending.pop(terminal_id)
            if refused:
                self._flushed[terminal_id] = now
            warn = refused and now - self._warned.get(terminal_id, -1e9) >= WARN_EVERY
            if warn:
                self._warned[terminal_id] = now
        if warn:
            log.warning("terminal %s: burst of unknown voucher numbers, look-ups rate limited (see unknown-lookups)",
                        terminal_id)
        await anyio.to_thread.run_sync(self._write, terminal_id, u, r, utc_now())

    def _write(self, terminal_id: int, unknown: int, refused: int, at: datetime) -> None:
        insert = sqlite_insert if is_sqlite(self.db.url) else pg_insert
        stmt = insert(UnknownLookup).values(terminal_id=terminal_id, day=business_day(at), count=unknown,
                                            refused=refused, last_at=at)
        upsert: Insert = stmt.on_conflict_do_update(
            index_elements=["terminal_id", "day"],
            set_={"count": UnknownLookup.count + stmt.excluded.count,
                  "refused": UnknownLookup.refused + stmt.excluded.refused, "last_at": stmt.excluded.last_at})
        with self.db.writing() as s:
            s.execute(upsert)


@dataclass(frozen=True, slots=True)
class UnknownLookupsLine:
    """One terminal's unknown numbers on one day, as the operator reads them."""

    day: date
    terminal_id: int
    terminal_name: str
    merchant_id: str
    merchant_name: str
    count: int
    refused: int
    last_at: datetime

    def text(self) -> str:
        return (f"{self.day.isoformat()}  terminal {self.terminal_id} ({self.terminal_name}, {self.merchant_id} "
                f"{self.merchant_name}): {self.count} unknown numbers, {self.refused} refused as a burst, "
                f"last {self.last_at.isoformat(timespec='seconds')}")


def unknown_lookups(db: Database, since: date) -> list[UnknownLookupsLine]:
    """Terminals that asked for unknown numbers since ``since`` (Paris days), most first."""
    with db.reading() as s:
        rows = s.execute(
            select(UnknownLookup, Terminal.name, Merchant.id, Merchant.name)
            .join(Terminal, Terminal.id == UnknownLookup.terminal_id)
            .join(Merchant, Merchant.id == Terminal.merchant_id)
            .where(UnknownLookup.day >= since)
            .order_by(UnknownLookup.day.desc(), UnknownLookup.count.desc())).all()
    return [UnknownLookupsLine(u.day, u.terminal_id, tname, mid, mname, u.count, u.refused,
                               aware(u.last_at) or u.last_at) for u, tname, mid, mname in rows]


class AddressBuckets:
    """Public voucher pages per client address (token bucket, per server process): a holder opens a few pages,
    a guesser would need billions; past the bucket every page of that address is answered 429."""

    MAX_ADDRESSES = 100_000  # forget them all beyond this (a flood of addresses gains a fresh bucket, no more)

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, address: str, now: float | None = None) -> float | None:
        """Spend one page: None when allowed, else the seconds until the next one is."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(address, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[address] = (tokens, now)
                return round((1 - tokens) / self.rate, 3) if self.rate > 0 else 3600.0
            if len(self._buckets) >= self.MAX_ADDRESSES:
                self._buckets.clear()
            self._buckets[address] = (tokens - 1, now)
            return None
