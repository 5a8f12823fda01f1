"""Closings: day (its own lines plus the regularisations of earlier closed days), month and year (sums of their
closings). Each is a CLOSING ledger entry chained to the previous one, plus its ``closings`` row; irreversible."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.timeutil import to_utc_text

from ..core import carryover, daybook
from ..core.carryover import Regularisation
from ..store.closings import Closing, ClosingKind, ClosingStore
from ..store.db import Connection
from ..store.ledger import LedgerStore
from .book_base import BookBase, BooksError, BooksProblem, lines_in


def regularisations_in(conn: Connection, upto_seq: int) -> list[Regularisation]:
    """Lines of closed days whose status changed after the latest day closing (up to ``upto_seq``)."""
    day_seqs = ClosingStore.day_seqs_in(conn)
    if not day_seqs:
        return []
    previous = max(day_seqs.values())
    refs = {e.ref_seq for e in LedgerStore.followups_in(conn, previous, upto_seq) if e.ref_seq is not None}
    openings = LedgerStore.openings_by_seq_in(conn, refs)
    origin = {e.seq: daybook.assigned_day(e.business_day, e.seq, day_seqs) for e in openings}
    old = [e for e in openings if origin[e.seq] in day_seqs]  # lines of days already closed
    if not old:
        return []
    seqs = {e.seq for e in old}
    entries = sorted(old + LedgerStore.followups_in(conn, min(seqs), upto_seq, seqs), key=lambda e: e.seq)
    before = daybook.fold(entries, day_seqs, upto_seq=previous)
    after = daybook.fold(entries, day_seqs, upto_seq=upto_seq)
    return carryover.regularisations(before, after, origin)


def _write_closing(books: BookBase, conn: Connection, kind: ClosingKind, period: str, bday: str,
                   totals: dict[str, Any], extra: dict[str, Any]) -> Closing:
    previous = ClosingStore.all_in(conn, kind)
    prev = previous[-1] if previous else None
    perpetual = (prev.totals.get("perpetual_total_cents", 0) if prev else 0) + totals["period_total_cents"]
    totals = dict(totals, perpetual_total_cents=perpetual)
    head_seq, _ = LedgerStore.head_in(conn)
    now = to_utc_text(books.clock())
    data = {"closing_kind": kind, "period": period, "totals": totals, "last_seq": head_seq,
            "previous_closing_seq": prev.ledger_seq if prev else None,
            "previous_closing_hash": prev.hash if prev else None,
            "key_fingerprint": books.key_fingerprint(), **extra}
    entry = LedgerEntry(seq=0, ts_utc=now, business_day=bday, kind=EntryKind.CLOSING, till_id=books.ledger_till_id,
                        cashier=books.cashier, data=data)
    sealed = books.ledger.append_in(conn, entry)
    closing = Closing(kind, period, sealed.seq, now, totals, sealed.hash)
    ClosingStore.insert_in(conn, closing)
    return closing


def _refuse_day(books: BookBase, conn: Connection, the_day: date) -> None:
    """Why ``the_day`` cannot be closed now, as a BooksError; nothing if it can."""
    period = the_day.isoformat()
    if ClosingStore.get_in(conn, ClosingKind.DAY, period):
        raise BooksError(BooksProblem.ALREADY_CLOSED, f"the day {period} is already closed", period=the_day)
    if the_day > books.paris_today():
        raise BooksError(BooksProblem.FUTURE, f"the day {period} has not started yet", period=the_day)
    day_seqs = ClosingStore.day_seqs_in(conn)
    later = sorted(d for d in day_seqs if d > period)
    if later:
        raise BooksError(BooksProblem.LATER_CLOSED, f"a later day ({later[-1]}) is already closed",
                         day=date.fromisoformat(later[-1]))
    last_closed = max(day_seqs) if day_seqs else None
    earlier = sorted({daybook.assigned_day(d, s, day_seqs)
                      for d, s in LedgerStore.opening_days_in(conn, after=last_closed, before=period)})
    earlier = [d for d in earlier if d < period and d not in day_seqs]
    if earlier:  # closing a later day first would leave these lines claimed by no closing
        raise BooksError(BooksProblem.EARLIER_OPEN, f"close the earlier days first: {', '.join(earlier)}",
                         days=[date.fromisoformat(d) for d in earlier])


def close_day(books: BookBase, day: date | str | None = None) -> Closing:
    """Close a business day (default: today in Paris). Irreversible; a second closing is refused."""
    the_day = date.fromisoformat(str(day)) if day is not None else books.paris_today()
    period = the_day.isoformat()
    with books.db.transaction() as conn:
        _refuse_day(books, conn, the_day)
        lines = lines_in(conn, period)
        head_seq, _ = LedgerStore.head_in(conn)
        regs = carryover.summary(regularisations_in(conn, head_seq))
        totals = carryover.with_claims(daybook.totals(lines), regs)
        return _write_closing(books, conn, ClosingKind.DAY, period, period, totals, {"lines": len(lines)})


def _close_group(books: BookBase, kind: ClosingKind, period: str, child_kind: ClosingKind,
                 last_day: date) -> Closing:
    with books.db.transaction() as conn:
        if ClosingStore.get_in(conn, kind, period):
            raise BooksError(BooksProblem.ALREADY_CLOSED, f"the period {period} is already closed", period=period)
        if books.paris_today() <= last_day:
            raise BooksError(BooksProblem.NOT_OVER, f"the period {period} is not over", period=period,
                             last_day=last_day)
        # every day with activity in the period must be closed
        day_seqs = ClosingStore.day_seqs_in(conn)
        open_days = sorted({daybook.assigned_day(d, s, day_seqs)
                            for d, s in LedgerStore.opening_days_in(conn, prefix=period)} - set(day_seqs))
        open_days = [d for d in open_days if d.startswith(period)]
        if open_days:
            raise BooksError(BooksProblem.DAYS_OPEN, f"days not closed: {', '.join(open_days)}",
                             days=[date.fromisoformat(d) for d in open_days])
        children = [c for c in ClosingStore.all_in(conn, child_kind) if c.period.startswith(period)]
        totals = daybook.empty_totals()
        for child in children:  # the days' regularisations add up with them (their lines stay in the days)
            totals = daybook.add_totals(totals, {k: v for k, v in child.totals.items()
                                                 if k != "perpetual_total_cents"})
        extra = {"closings": [[c.kind, c.period, c.ledger_seq, c.hash] for c in children]}
        return _write_closing(books, conn, kind, period, last_day.isoformat(), totals, extra)


def close_month(books: BookBase, month: str) -> Closing:
    """Close a month (``YYYY-MM``) from its day closings, once it is over in Paris."""
    first = date.fromisoformat(month + "-01")
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return _close_group(books, ClosingKind.MONTH, month, ClosingKind.DAY, last)


def close_year(books: BookBase, year: str | int) -> Closing:
    """Close a year from its month closings, once it is over in Paris."""
    return _close_group(books, ClosingKind.YEAR, str(year), ClosingKind.MONTH, date(int(year), 12, 31))
