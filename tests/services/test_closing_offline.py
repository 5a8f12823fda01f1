"""Closings (services/closing.py) over entries the till's services wrote offline: the day's totals in cents, the
chain of closings, the refusals, and a late void carried as a regularisation by the next day's closing."""

from __future__ import annotations

import pytest

from pos_app.services.books import BooksError, check_closings
from pos_app.store.ledger import LedgerStore
from voucher_core.ledger import EntryKind

from .conftest import FACE, Clock, Shop, utc


def test_day_closing_totals_are_the_offline_redemptions(shop: Shop, clock: Clock) -> None:
    codes = shop.vouchers(3)
    for code in codes:
        shop.redeem(code)
    books = shop.books()
    lines = books.day_lines("2026-11-23")
    assert [(x.status, x.amount_cents) for x in lines] == [("pending_sync", FACE)] * 3
    clock.now = utc(2026, 11, 23, 19, 0)
    closing = books.close_day("2026-11-23")
    t = closing.totals
    # nothing is confirmed yet: the till kept 3 vouchers, the operator owes nothing until the sync
    assert t["taken_cents"] == 3 * FACE == 3600
    assert t["owed_by_operator_cents"] == 0 and t["reimbursement_cents"] == 0
    assert t["redemption"]["by_status"]["pending_sync"] == {"count": 3, "cents": 3600}
    assert t["period_total_cents"] == t["perpetual_total_cents"] == 3600
    entry = list(LedgerStore(shop.till.db).entries())[-1]
    assert entry.kind == EntryKind.CLOSING and entry.seq == closing.ledger_seq and entry.hash == closing.hash
    assert entry.data["lines"] == 3 and entry.till_id == "M0001/1"
    assert check_closings(shop.till.db) == []


def test_closing_refusals(shop: Shop, clock: Clock) -> None:
    shop.redeem(shop.vouchers(1)[0])
    books = shop.books()
    with pytest.raises(BooksError) as future:
        books.close_day("2026-11-24")
    assert future.value.code == "future"
    with pytest.raises(BooksError) as not_over:
        books.close_month("2026-11")
    assert not_over.value.code == "not_over"
    clock.now = utc(2026, 11, 25, 8, 0)
    with pytest.raises(BooksError) as earlier:  # the 23rd holds a redemption and is not closed
        books.close_day("2026-11-24")
    assert earlier.value.code == "earlier_open"
    books.close_day("2026-11-23")
    with pytest.raises(BooksError) as twice:
        books.close_day("2026-11-23")
    assert twice.value.code == "already_closed"
    clock.now = utc(2026, 12, 1, 8, 0)
    month = books.close_month("2026-11")
    assert month.totals["taken_cents"] == FACE and month.totals["perpetual_total_cents"] == FACE


def test_an_entry_after_the_closing_goes_to_the_next_day(shop: Shop, clock: Clock) -> None:
    codes = shop.vouchers(2)
    shop.redeem(codes[0])
    clock.now = utc(2026, 11, 23, 17, 0)
    books = shop.books()
    books.close_day("2026-11-23")
    clock.now = utc(2026, 11, 23, 18, 0)  # still the 23rd in Paris, but that day is closed
    later = shop.redeem(codes[1])
    assert later.verdict.amount_cents == FACE
    assert [x.seq for x in books.day_lines("2026-11-24")] == [later.ledger_seq]
    assert [x.amount_cents for x in books.day_lines("2026-11-23")] == [FACE]


def test_a_late_void_is_carried_by_the_next_closing(shop: Shop, clock: Clock) -> None:
    """Redeemed at 21:50 Paris, the day closed at 21:52, voided at 21:55 (inside the void window): the 23rd's
    closing stays as it was; the 24th's closing carries the line as a regularisation of the 23rd."""
    codes = shop.vouchers(2)
    clock.now = utc(2026, 11, 23, 20, 50)
    first = shop.redeem(codes[0])
    books = shop.books()
    clock.now = utc(2026, 11, 23, 20, 52)
    day1 = books.close_day("2026-11-23")
    clock.now = utc(2026, 11, 23, 20, 55)
    void = shop.till.redemptions.void_last()
    assert void.ok and void.serial == first.verdict.serial
    clock.now = utc(2026, 11, 24, 10, 0)
    shop.synced()  # the morning's sync (the cache would be too old for an offline acceptance otherwise)
    shop.redeem(codes[1])
    clock.now = utc(2026, 11, 24, 19, 0)
    day2 = books.close_day("2026-11-24")
    regs = day2.totals["regularisations"]
    assert regs["count"] == 1 and regs["owed_by_operator_cents"] == 0  # it was never confirmed: nothing owed
    line = regs["lines"][0]
    assert (line["seq"], line["origin_day"], line["before"], line["after"], line["amount_cents"]) == (
        first.ledger_seq, "2026-11-23", "pending_sync", "voided", FACE)
    # the day's own line is the second voucher; the closed day did not change
    assert day2.totals["taken_cents"] == FACE and day2.totals["perpetual_total_cents"] == 2 * FACE
    assert books.closings.get("day", "2026-11-23").totals == day1.totals
    report = books.day_report("2026-11-23")
    assert [x.status for x in report.lines] == ["pending_sync"]  # as of its closing
    assert [x.status for x in report.changed_since_closing] == ["voided"]
    assert check_closings(shop.till.db) == []
