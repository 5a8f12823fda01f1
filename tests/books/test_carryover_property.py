"""Property: whatever the order of redemptions, sales, confirmations, conflicts, voids and closings over several
days, the closings claim each confirmed redemption (and remit each confirmed sale) exactly once, in total and per
business day of origin, and a closed day never changes. A real till file per example; hypothesis draws the story."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.core import carryover, daybook
from pos_app.services.books import Books
from pos_app.store import open_home
from voucher_core.ledger import EntryKind

from .conftest import MovableClock, Writer, utc

FIRST = date(2026, 11, 23)
STEP = st.one_of(
    st.tuples(st.just("redeem"), st.booleans()),  # (kind, a sale instead of a redemption)
    st.tuples(st.sampled_from(["confirm", "conflict", "void"]), st.integers(0, 40)),  # on the n-th open line
    st.tuples(st.just("close"), st.just(0)),
    st.tuples(st.just("next_day"), st.just(0)),
)
FOLLOW = {("confirm", False): EntryKind.REDEMPTION_CONFIRMED, ("conflict", False): EntryKind.REDEMPTION_CONFLICT,
          ("void", False): EntryKind.VOID, ("confirm", True): EntryKind.SALE_CONFIRMED,
          ("conflict", True): EntryKind.SALE_CONFLICT, ("void", True): EntryKind.SALE_VOID}


def _close_through(books: Books, days: list[date], day: date) -> None:
    """Close ``day`` after any earlier day with activity still open (the books refuse them out of order)."""
    closed = {c.period for c in books.closings.all("day")}
    last = max(closed) if closed else ""
    for d in days:
        if d <= day and d.isoformat() not in closed and d.isoformat() > last and (d == day or books.day_lines(d)):
            books.close_day(d)


def _play(books: Books, clock: MovableClock, steps: list[tuple[str, object]]) -> list[date]:
    w = Writer(books.db, books)
    day, minute, serial = FIRST, 0, 0
    opened: list[tuple[object, bool]] = []  # (entry, is a sale) still without a final follow-up
    days = [day]
    for action, arg in steps:
        minute += 7
        clock.now = utc(day.year, day.month, day.day, 8) + timedelta(minutes=minute)
        if action == "redeem":
            serial += 1
            sale = bool(arg)
            e = (w.sale if sale else w.redeem)(f"{serial:012d}", clock.now)
            opened.append((e, sale))
        elif action in ("confirm", "conflict", "void") and opened:
            e, sale = opened.pop(int(arg) % len(opened))  # type: ignore[call-overload]
            w.follow(FOLLOW[(action, sale)], e, clock.now)
        elif action == "close" and day.isoformat() not in {c.period for c in books.closings.all("day")}:
            _close_through(books, days, day)
        elif action == "next_day" and len(days) < 4:
            day, minute = day + timedelta(days=1), 0
            days.append(day)
    # the end: every day with activity closed, in order, then one more closing, which carries whatever changed
    # after the last one (a change after a closing always waits for the next closing)
    clock.now = utc(day.year, day.month, day.day, 21)
    _close_through(books, days, day)
    day += timedelta(days=1)
    days.append(day)
    clock.now = utc(day.year, day.month, day.day, 21)
    books.close_day(day)
    return days


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, min_size=1, max_size=40))
def test_closings_claim_each_confirmed_line_exactly_once(steps: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_home(Path(tmp))
        clock = MovableClock(utc(2026, 11, 23, 7))
        books = Books(db, Path(tmp), clock=clock, till_id="caisse-1", shop="Boulangerie Martin")
        try:
            days = _play(books, clock, steps)
            lines = [x for d in days for x in books.day_lines(d)]
            closings = books.closings.all("day")
            for key, claim, kind in (("owed_by_operator", "reimbursement_cents", daybook.REDEMPTION),
                                     ("owed_to_operator", "remittance_cents", daybook.SALE)):
                owed_now: dict[str, int] = defaultdict(int)
                for x in lines:
                    if x.kind == kind:
                        owed_now[x.business_day] += daybook.settled_cents(x)
                claimed: dict[str, int] = defaultdict(int)
                for c in closings:
                    claimed[c.period] += c.totals[f"{key}_cents"]
                    for r in carryover.lines_of(c.totals):
                        claimed[r.origin_day] += getattr(r, f"{key}_delta_cents")
                assert sum(c.totals[claim] for c in closings) == sum(owed_now.values())
                assert {d: v for d, v in claimed.items() if v} == {d: v for d, v in owed_now.items() if v}
            # a closed day's report is what its closing said, whatever came after
            for c in closings:
                assert books.day_report(c.period).totals == c.totals
            assert books.ledger.verify().ok
        finally:
            db.close()
