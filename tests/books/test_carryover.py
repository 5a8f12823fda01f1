"""Claims carry over: each confirmed redemption (and sale) is claimed in exactly one closing; the CLI cannot
close a day twice nor a month before its end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_app.cli import main
from pos_app.core import carryover
from pos_app.services.books import Books, BooksError
from pos_app.store.ledger import LedgerStore
from voucher_core.ledger import EntryKind

from .conftest import MovableClock, Writer, standard_day, utc

E = EntryKind


def _claimed(books: Books) -> int:
    return sum(c.totals["reimbursement_cents"] for c in books.closings.all("day"))


def test_pending_at_closing_then_confirmed_is_claimed_once_in_the_next_closing(books: Books, writer: Writer,
                                                                               clock: MovableClock) -> None:
    e = standard_day(writer)  # off_pending is still pending at the closing
    first = books.close_day("2026-11-23")
    assert first.totals["reimbursement_cents"] == 4400 and first.totals["regularisations"]["count"] == 0
    # the next morning the sync confirms it (and voids nothing): it belongs to the 23rd, claimed on the 24th
    clock.now = utc(2026, 11, 24, 18, 0)
    writer.follow(E.REDEMPTION_CONFIRMED, e["off_pending"], utc(2026, 11, 24, 8, 0), {"redemption_id": 7})
    writer.redeem("000000000082", utc(2026, 11, 24, 9, 0))  # pending all day on the 24th
    preview = books.day_report("2026-11-24")
    assert [r.serial for r in preview.regularisations] == ["000000000041"]
    second = books.close_day("2026-11-24")
    regs = carryover.lines_of(second.totals)
    assert [(r.serial, r.origin_day, r.before, r.after, r.owed_by_operator_delta_cents) for r in regs] == [
        ("000000000041", "2026-11-23", "pending_sync", "accepted", 1200)]
    assert second.totals["owed_by_operator_cents"] == 0 and second.totals["reimbursement_cents"] == 1200
    assert _claimed(books) == 5600
    # the 23rd's closing never changed; its report lists the change as carried by the next closing
    report = books.day_report("2026-11-23")
    assert report.totals == first.totals and [x.voucher for x in report.changed_since_closing] == ["000000000041"]
    assert LedgerStore(books.db).verify().ok
    # the month adds up its days, regularisations included
    clock.now = utc(2026, 12, 1, 9, 0)
    month = books.close_month("2026-11")
    assert month.totals["reimbursement_cents"] == 5600
    assert month.totals["regularisations"]["owed_by_operator_cents"] == 1200


def test_late_conflict_and_late_void_are_named_lines(books: Books, writer: Writer, clock: MovableClock) -> None:
    e = standard_day(writer)
    books.close_day("2026-11-23")
    clock.now = utc(2026, 11, 24, 18, 0)
    writer.follow(E.REDEMPTION_CONFLICT, e["off_pending"], utc(2026, 11, 24, 8, 0),
                  {"verdict": "already_redeemed", "redeemed_by": "Fleurs Dupont",
                   "redeemed_at": "2026-11-23T09:02:00.000000Z"})
    writer.follow(E.VOID, e["on1"], utc(2026, 11, 24, 8, 1))  # a void that reached a closed day
    closing = books.close_day("2026-11-24")
    regs = {r.serial: r for r in carryover.lines_of(closing.totals)}
    assert (regs["000000000041"].after, regs["000000000041"].owed_by_operator_delta_cents) == ("conflict", 0)
    assert regs["000000000041"].conflict_by == "Fleurs Dupont"
    assert (regs["000000000017"].after, regs["000000000017"].owed_by_operator_delta_cents) == ("voided", -1200)
    assert closing.totals["reimbursement_cents"] == -1200
    assert _claimed(books) == 4400 - 1200


def test_sales_confirmed_late_are_remitted_once(books: Books, writer: Writer, clock: MovableClock) -> None:
    s = writer.sale("000000000116", utc(2026, 11, 23, 9, 0), mode="offline")
    first = books.close_day("2026-11-23")
    assert (first.totals["sales_collected_cents"], first.totals["remittance_cents"]) == (1000, 0)
    clock.now = utc(2026, 11, 24, 18, 0)
    writer.follow(E.SALE_CONFIRMED, s, utc(2026, 11, 24, 8, 0), {"sale_id": 3})
    second = books.close_day("2026-11-24")
    assert second.totals["remittance_cents"] == 1000 and second.totals["sales_collected_cents"] == 0


def test_refused_scans_carry_no_money(books: Books, writer: Writer) -> None:
    standard_day(writer)
    totals = books.close_day("2026-11-23").totals
    assert "rejected" not in totals["redemption"]["by_status"] and totals["refused_count"] == 1
    assert all("rejected" not in by for by in totals["redemption"]["by_campaign"].values())


def test_cli_close_day_twice_is_refused_and_never_closes_tomorrow(home: Path, capsys, books: Books) -> None:
    # the CLI runs on the real clock: no --date means today in Paris, every time
    assert main(["--home", str(home), "close-day"]) == 0
    today = json.loads(capsys.readouterr().out)["period"]
    assert main(["--home", str(home), "close-day"]) == 1
    assert "déjà clôturée" in capsys.readouterr().err
    assert [c.period for c in books.closings.all("day")] == [today]


def test_default_close_day_is_today_and_a_second_is_refused(books: Books, writer: Writer,
                                                            clock: MovableClock) -> None:
    standard_day(writer)
    assert books.close_day().period == "2026-11-23"
    with pytest.raises(BooksError) as err:
        books.close_day()
    assert err.value.code == "already_closed"
    with pytest.raises(BooksError) as err:
        books.close_day("2026-11-24")  # tomorrow has not begun in Paris
    assert err.value.code == "future"


def test_month_not_closable_before_its_end(books: Books, writer: Writer, clock: MovableClock) -> None:
    clock.now = utc(2026, 11, 30, 20, 0)  # 21:00 in Paris on the last day
    writer.redeem("000000000017", utc(2026, 11, 30, 9, 0))
    books.close_day("2026-11-30")  # the open day is now 1 December, but the month is not over in Paris
    with pytest.raises(BooksError) as err:
        books.close_month("2026-11")
    assert err.value.code == "not_over"
    clock.now = utc(2026, 11, 30, 23, 1)  # 00:01 on 1 December in Paris
    assert books.close_month("2026-11").totals["reimbursement_cents"] == 0


def test_cli_close_month_before_end_exit_code(home: Path, capsys, books: Books, writer: Writer) -> None:
    assert main(["--home", str(home), "close-month", "--month", "2999-01"]) == 1
    assert "n'est pas terminée" in capsys.readouterr().err
    out = capsys.readouterr().out
    assert not out or json.loads(out)
