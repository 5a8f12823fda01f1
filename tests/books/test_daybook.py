"""The day book fold, closings (chained, irreversible, totals = sum of entries), business-day rules."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from pos_app.core import carryover, daybook
from pos_app.services.books import Books, BooksError
from pos_app.store.ledger import LedgerStore
from voucher_core.ledger import EntryKind

from .conftest import MovableClock, Writer, standard_day, utc


def test_statuses_and_totals(books: Books, writer: Writer) -> None:
    e = standard_day(writer)
    lines = {x.seq: x for x in books.day_lines("2026-11-23")}
    assert lines[e["on1"].seq].status == "accepted"
    assert lines[e["off_ok"].seq].status == "accepted"
    assert lines[e["off_pending"].seq].status == "pending_sync"
    assert lines[e["voided"].seq].status == "voided"
    assert lines[e["conflict"].seq].status == "conflict"
    assert lines[e["rejected"].seq].status == "rejected"
    t = daybook.totals(lines.values())
    rs = t["redemption"]["by_status"]
    assert (rs["accepted"]["count"], rs["accepted"]["cents"]) == (3, 4400)
    assert (rs["pending_sync"]["count"], rs["voided"]["count"], rs["conflict"]["count"]) == (1, 1, 1)
    assert t["redemption"]["by_campaign"]["CCI25"]["accepted"] == {"count": 1, "cents": 2000}
    assert t["owed_by_operator_cents"] == 4400
    assert t["taken_cents"] == 4400 + 1200 + 1200  # accepted + pending + conflict (the voucher was kept)


def test_close_day_totals_equal_sum_of_entries_and_are_chained(books: Books, writer: Writer,
                                                               clock: MovableClock) -> None:
    standard_day(writer)
    closing = books.close_day("2026-11-23")
    # recompute independently from every raw entry of the ledger
    entries = list(LedgerStore(books.db).entries())
    lines = [x for x in daybook.fold(entries).values() if x.business_day == "2026-11-23"]
    expected = carryover.with_claims(daybook.totals(lines), carryover.summary([]))
    assert {k: v for k, v in closing.totals.items() if k != "perpetual_total_cents"} == expected
    assert closing.totals["perpetual_total_cents"] == expected["period_total_cents"]
    entry = entries[-1]
    assert entry.kind == EntryKind.CLOSING and entry.seq == closing.ledger_seq and entry.hash == closing.hash
    assert entry.data["totals"] == closing.totals and entry.data["period"] == "2026-11-23"
    # next day: perpetual grows, the closing names the previous one
    clock.now = utc(2026, 11, 24, 18, 0)
    writer.redeem("000000000082", utc(2026, 11, 24, 9, 0))
    second = books.close_day("2026-11-24")
    data = list(LedgerStore(books.db).entries())[-1].data
    assert data["previous_closing_hash"] == closing.hash
    assert second.totals["perpetual_total_cents"] == closing.totals["perpetual_total_cents"] + 1200


def test_closing_twice_refused_and_irreversible(books: Books, writer: Writer, home) -> None:
    standard_day(writer)
    books.close_day("2026-11-23")
    with pytest.raises(BooksError) as err:
        books.close_day("2026-11-23")
    assert err.value.code == "already_closed"
    with pytest.raises(BooksError):
        books.close_day("2026-11-25")  # the future
    with sqlite3.connect(home / "till.sqlite3") as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("DELETE FROM closings")
    with sqlite3.connect(home / "till.sqlite3") as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("UPDATE closings SET totals = '{}'")


def test_entries_after_closing_go_to_next_day_and_closed_report_unchanged(books: Books, writer: Writer,
                                                                          clock: MovableClock) -> None:
    standard_day(writer)
    before = books.day_report("2026-11-23")
    books.close_day("2026-11-23")
    # 20:00 Paris, same calendar day: the open business day is now the 24th
    late = utc(2026, 11, 23, 19, 0)
    assert books.open_business_day(late) == date(2026, 11, 24)
    good = writer.redeem("000000000090", late)
    assert good.business_day == "2026-11-24"
    # a careless writer still stamps the closed day: the day book moves it to the 24th anyway
    careless = writer.redeem("000000000108", late, business_day="2026-11-23")
    # and a late sync confirms the pending one of the 23rd
    pending = next(x for x in before.lines if x.status == "pending_sync")
    ref = next(e for e in LedgerStore(books.db).entries() if e.seq == pending.seq)
    writer.follow(EntryKind.REDEMPTION_CONFIRMED, ref, late, {"redemption_id": 9})
    after = books.day_report("2026-11-23")
    assert [(x.seq, x.status) for x in after.lines] == [(x.seq, x.status) for x in before.lines]
    assert {k: v for k, v in after.totals.items() if k != "perpetual_total_cents"} == before.totals
    assert [x.seq for x in after.changed_since_closing] == [pending.seq]
    nxt = {x.seq for x in books.day_lines("2026-11-24")}
    assert nxt == {good.seq, careless.seq}


def test_day_across_midnight_paris(books: Books, writer: Writer, clock: MovableClock) -> None:
    # 22:59:59 UTC on 23 Nov is 23:59:59 Paris (day 23); 23:00 UTC is 00:00 Paris on the 24th
    a = writer.redeem("000000000017", utc(2026, 11, 23, 22, 59, 59))
    b = writer.redeem("000000000025", utc(2026, 11, 23, 23, 0, 0))
    assert (a.business_day, b.business_day) == ("2026-11-23", "2026-11-24")
    assert [x.seq for x in books.day_lines("2026-11-23")] == [a.seq]
    assert [x.seq for x in books.day_lines("2026-11-24")] == [b.seq]


@pytest.mark.parametrize(("day", "last_utc", "first_next_utc", "hours"), [
    # 25 Oct 2026: clocks go back, the Paris day lasts 25 h (22:00 UTC on the 24th .. 23:00 UTC on the 25th)
    ("2026-10-25", utc(2026, 10, 25, 22, 59, 59), utc(2026, 10, 25, 23, 0), 25),
    # 28 Mar 2027: clocks go forward, 23 h (23:00 UTC on the 27th .. 22:00 UTC on the 28th)
    ("2027-03-28", utc(2027, 3, 28, 21, 59, 59), utc(2027, 3, 28, 22, 0), 23),
])
def test_dst_days(books: Books, writer: Writer, clock: MovableClock, day, last_utc, first_next_utc,
                  hours) -> None:
    from voucher_core.timeutil import day_bounds_utc

    start, end = day_bounds_utc(date.fromisoformat(day))
    assert (end - start).total_seconds() == hours * 3600
    clock.now = utc(2027, 6, 1, 12, 0)
    first = writer.redeem("000000000017", start)
    last = writer.redeem("000000000025", last_utc)
    after = writer.redeem("000000000033", first_next_utc)
    before = writer.redeem("000000000041", start - timedelta(seconds=1))
    assert {x.seq for x in books.day_lines(day)} == {first.seq, last.seq}
    assert after.business_day > day > before.business_day
    with pytest.raises(BooksError) as err:  # the day before has a redemption: it must be closed first
        books.close_day(day)
    assert err.value.code == "earlier_open"
    books.close_day(before.business_day)
    closing = books.close_day(day)
    assert closing.totals["redemption"]["count"] == 2


def test_month_and_year_closings(books: Books, writer: Writer, clock: MovableClock) -> None:
    standard_day(writer)
    writer.redeem("000000000082", utc(2026, 11, 24, 9, 0))
    books.close_day("2026-11-23")
    with pytest.raises(BooksError) as err:
        books.close_month("2026-11")
    assert err.value.code == "not_over"
    clock.now = utc(2026, 12, 1, 9, 0)
    with pytest.raises(BooksError) as err:
        books.close_month("2026-11")
    assert err.value.code == "days_open"
    books.close_day("2026-11-24")
    month = books.close_month("2026-11")
    assert month.totals["redemption"]["count"] == 7  # the refused scan took no voucher: not counted
    assert month.totals["refused_count"] == 1
    assert month.totals["owed_by_operator_cents"] == 4400
    assert month.totals["taken_cents"] == 4400 + 2400 + 1200
    with pytest.raises(BooksError):
        books.close_month("2026-11")
    clock.now = utc(2027, 1, 2, 9, 0)
    year = books.close_year(2026)
    assert year.totals["owed_by_operator_cents"] == 4400
    report = books.month_report("2026-11")
    assert [d for d, _, _ in report.days] == ["2026-11-23", "2026-11-24"]
    assert report.closing is not None and report.closing.hash == month.hash
