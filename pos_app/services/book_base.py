"""What every part of the books needs: the till's identity as its reports print it, business days, and the
voucher lines of a day folded from the ledger (through the store's named reads)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from voucher_core.ledger import LedgerEntry
from voucher_core.timeutil import Clock, business_day, utc_now

from ..core import daybook
from ..core.daybook import VoucherLine
from ..store.closings import ClosingStore
from ..store.db import Database
from ..store.ledger import LedgerStore
from ..store.settings import SettingKey, Settings
from .network import TillIdentity
from .signing import fingerprint, load_or_create_key, public_key_raw


class BooksProblem(StrEnum):
    """Why a closing or an export is refused (facts named by the words in brackets)."""

    ALREADY_CLOSED = "already_closed"  # period
    FUTURE = "future"  # period: the day has not started
    LATER_CLOSED = "later_closed"  # day
    EARLIER_OPEN = "earlier_open"  # days: close them first
    NOT_OVER = "not_over"  # period, last_day
    DAYS_OPEN = "days_open"  # days of the period not closed
    BAD_RANGE = "bad_range"


class BooksError(Exception):
    """A refused books operation: ``code`` is stable (the UI and the CLI have its words), ``facts`` are what the
    words name (days as dates), the message is English, for developers."""

    def __init__(self, code: BooksProblem, message: str, **facts: object) -> None:
        super().__init__(message)
        self.code = code
        self.facts = facts


def lines_in(conn: Any, day: str, upto_seq: int | None = None) -> list[VoucherLine]:
    """Voucher lines assigned to ``day``, folded with every follow-up (up to ``upto_seq``)."""
    day_seqs = ClosingStore.day_seqs_in(conn)
    source_days = [day]
    d = date.fromisoformat(day) - timedelta(days=1)
    while d.isoformat() in day_seqs:  # entries written late into closed days before move forward
        source_days.append(d.isoformat())
        d -= timedelta(days=1)
    openings = [e for e in LedgerStore.openings_in(conn, source_days, upto_seq)
                if daybook.assigned_day(e.business_day, e.seq, day_seqs) == day]
    if not openings:
        return []
    wanted = {e.seq for e in openings}
    follow = LedgerStore.followups_in(conn, min(wanted), upto_seq, wanted)
    entries: list[LedgerEntry] = sorted(openings + follow, key=lambda e: e.seq)
    lines = daybook.fold(entries, day_seqs)
    return [line for line in lines.values() if line.business_day == day]


class BookBase:
    """One till's books: its Database, its home (for the key), its clock and the identity its reports print."""

    def __init__(self, db: Database, home: Path | None = None, *, clock: Clock = utc_now,
                 till_id: str | None = None, shop: str | None = None, siret: str | None = None,
                 cashier: str | None = None) -> None:
        self.db = db
        self.home = Path(home) if home is not None else db.path.parent
        self.clock = clock
        self.ledger = LedgerStore(db)
        self.closings = ClosingStore(db)
        self.settings = Settings(db)
        self._till_id, self._shop, self._siret = till_id, shop, siret
        self.cashier = cashier if cashier is not None else str(self.settings.get(SettingKey.CASHIER) or "")

    # header facts: the till's identity as the till services store it (settings "me" = GET /me)
    def _identity(self) -> TillIdentity:
        return TillIdentity.from_me(self.settings.get(SettingKey.ME))

    @property
    def merchant_id(self) -> str:
        return self._identity().merchant_id

    @property
    def till_id(self) -> str:
        """Same spelling as the till services' ledger entries: ``<merchant id>/<terminal id>``, and its name."""
        if self._till_id:
            return self._till_id
        ident = self._identity()
        named = ident.terminal_name and ident.merchant_id  # an unconfigured till has no name to show
        return f"{ident.terminal_name} ({ident.till_id})" if named else ident.till_id

    @property
    def ledger_till_id(self) -> str:
        """The till id written in this till's ledger entries (closings, archive exports)."""
        return self._till_id or self._identity().till_id

    @property
    def shop(self) -> str:
        return self._shop or self._identity().merchant_name

    @property
    def siret(self) -> str:
        return self._siret or self._identity().siret

    def key_fingerprint(self) -> str:
        return fingerprint(public_key_raw(load_or_create_key(self.home)))

    # --- business days --------------------------------------------------------------------------------

    def paris_today(self) -> date:
        """The Paris calendar day of the clock (what a closing may not go beyond)."""
        return business_day(self.clock())

    def open_business_day(self, now: datetime | None = None) -> date:
        """The business day a new entry written at ``now`` belongs to: Paris day, or the next day not closed."""
        moment = now or self.clock()
        return daybook.open_day_after(business_day(moment), self.closings.day_seqs())

    def day_lines(self, day: date | str, upto_seq: int | None = None) -> list[VoucherLine]:
        with self.db.reading() as conn:
            return lines_in(conn, str(day), upto_seq)

    def today_totals(self) -> tuple[int, int]:
        """(count, cents) of the open day's redemptions the till kept (accepted, pending, conflict)."""
        lines = self.day_lines(self.open_business_day())
        kept = [x for x in lines if x.kind == daybook.REDEMPTION
                and x.status in (daybook.ACCEPTED, daybook.PENDING, daybook.CONFLICT)]
        return len(kept), sum(x.amount_cents for x in kept)
