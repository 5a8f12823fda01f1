"""Property: whatever days of sales, redemptions, voids and payouts happen, every FEC entry balances and the
holders' account (4675) holds what the liability function says (SQLite; the scheme of money_scenario.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voucher_server import admin
from voucher_server.db import Database
from voucher_server.services import liability
from voucher_server.services.chart import DEFAULT_CHART, Role
from voucher_server.services.fec import book_entries
from voucher_server.services.periods import Period
from voucher_server.services.settlement import mark_statement_paid

from .money_scenario import SECRET, Book, at, build

FIRST = date(2026, 11, 15)
# Until the top-up's end, so a BOOST voucher is worth 12 € every day of the run; OLD's breakage falls on 1 January.
PERIOD = Period(date(2026, 11, 1), date(2027, 1, 31))
DAYS = (PERIOD.end - FIRST).days


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    path = tmp_path_factory.mktemp("fec_property") / "base.sqlite"
    build(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    with db.writing() as s:
        extra = admin.issue(s, "BOOST", 8, secret=SECRET)
    db.dispose()
    yield path, extra


event = st.tuples(st.integers(0, DAYS), st.sampled_from(["sell", "void_sale", "redeem", "void", "pay"]),
                  st.integers(0, 7), st.sampled_from(["M0001", "M0002"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(event, max_size=25))
def test_entries_balance_and_holders_match_liability(template: tuple[Path, list[str]], tmp_path: Path,
                                                     events: list[tuple[int, str, int, str]]) -> None:
    base, extra = template
    path = tmp_path / f"run{len(list(tmp_path.iterdir()))}.sqlite"
    shutil.copy(base, path)
    db = Database(f"sqlite:///{path}")
    try:
        with db.writing() as s:
            book = Book(s)
            state = {serial: "issued" for serial in extra}
            for n, kind, idx, shop in sorted(events):
                day = FIRST + timedelta(days=n)
                when = at(day.isoformat(), 9 + idx)
                serial = extra[idx]
                if kind == "sell" and state[serial] == "issued":
                    book.sell(serial, "M0003", when)
                    state[serial] = "sold"
                elif kind == "void_sale" and state[serial] == "sold":
                    book.void_sale(serial, "M0003", when)
                    state[serial] = "issued"
                elif kind == "redeem" and state[serial] == "sold":
                    book.redeem(serial, shop, when, 1200)
                    state[serial] = shop
                elif kind == "void" and state[serial] in ("M0001", "M0002"):
                    book.void(serial, state[serial], when, 1200)
                    state[serial] = "sold"
                elif kind == "pay":
                    month = Period(day.replace(day=1), day.replace(day=1) + timedelta(days=27))
                    try:  # nothing to pay, or already paid: refused, as at the counter
                        with s.begin_nested():
                            mark_statement_paid(s, shop, month, "ana", at((day + timedelta(days=1)).isoformat()))
                    except ValueError:
                        pass
        with db.reading() as s:
            entries = book_entries(s, PERIOD)
            assert entries and all(e.debit_cents == e.credit_cents and e.debit_cents > 0 for e in entries)
            held = sum(x.credit_cents - x.debit_cents for e in entries for x in e.lines if x.role is Role.HOLDERS)
            assert held == liability.liability(s, PERIOD.end).as_json()["buyers_cents"]
            assert DEFAULT_CHART.number(Role.HOLDERS) == "4675"
    finally:
        db.dispose()
