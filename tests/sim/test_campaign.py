"""A campaign simulated end to end, seeded and repeatable: five shops with seven tills and two tobacconists over
three business days (yesterday, today and tomorrow by the tills' injected clocks: the server accepts a till's day
within one day of its own), with random outages, offline double spends across shops, voids inside and after the
window and after a closing, a till killed -9 between the server's answer and its own commit, and closings at
random moments, some while redemptions are pending. At the end, for every shop: the sum of its tills' closings
equals the server's statement equals the activity log, to the cent, per business day and in total; the same for
each tobacconist's remittance; and nothing is counted twice. The campaign's top-up ends on the middle day, so the
last day's vouchers are worth their price; the operator's figures (reimbursements and their SEPA file,
remittances, the funder's invoice, the liability) agree with the activity log (money_checks.py).

``SIM_SEED=n`` replays another campaign (the default seed is the one CI runs).
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from pos_app.core import carryover, daybook
from voucher_core.timeutil import utc_now
from voucher_server.db import Database
from voucher_server.services.statement import shop_statement

from .money_checks import check_money_figures
from .world import CAMPAIGN, SimTill, World, build_server, paris

SEED = int(os.environ.get("SIM_SEED", "20261130"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("campaign")
    server, data = build_server(tmp)
    w = World(tmp, server, data, random.Random(SEED))
    try:
        yield w
    finally:
        for st in w.tills:
            st.till.close()
        server.close()


def _shop_moment(w: World, st: SimTill, day: date, last_day: bool) -> None:
    """One random thing a shop's till does."""
    r = w.rng.random()
    if r < 0.55:
        if w.redeem(st) and w.rng.random() < 0.25:
            w.void_last(st, w.rng.choice([1, 2, 25]))  # inside the window, or refused after it
    elif r < 0.65:
        w.set_online(st, not st.online)  # an outage begins or ends
    elif r < 0.85:
        if st.online:
            w.sync(st)
    elif r < 0.92 and not last_day:
        # a redemption, the day's closing at once, then its void: a late void of a closed day
        if w.redeem(st):
            w.close(st, day)
            w.void_last(st, 1)
    elif not last_day:
        w.close(st, day)  # at a random moment, pending redemptions or not


def _seller_moment(w: World, st: SimTill, day: date, last_day: bool) -> None:
    r = w.rng.random()
    if r < 0.6:
        if w.sell(st) and w.rng.random() < 0.15:
            st.clock.now += timedelta(minutes=1)
            w.void_sale(st)
    elif r < 0.7:
        w.set_online(st, not st.online)
    elif r < 0.92:
        if st.online:
            w.sync(st)
    elif not last_day:
        w.close(st, day)


def _double_spend(w: World, day: date) -> None:
    """Two shops take the same voucher while both are offline: the first upload wins, the other is a conflict."""
    shops = {}
    for st in w.tills:
        if not st.seller:
            shops.setdefault(st.merchant_id, st)
    a, b = w.rng.sample(sorted(shops.values(), key=lambda s: s.name), 2)
    serial = w.active.pop(w.rng.randrange(len(w.active)))
    for st in (a, b):
        w.set_online(st, False)
        st.clock.now = max(st.clock.now, paris(day, 12))
        w.redeem(st, serial)


def simulate(w: World) -> list[date]:
    today = utc_now().date()
    days = [today - timedelta(days=1), today, today + timedelta(days=1)]
    for n, day in enumerate(days):
        last = n == len(days) - 1
        for st in w.tills:
            st.clock.now = max(st.clock.now, paris(day, 8))
        moments = sorted((w.rng.randrange(8 * 60, 19 * 60), i) for i in range(len(w.tills)) for _ in range(7))
        for k, (minute, i) in enumerate(moments):
            st = w.tills[i]
            st.clock.now = max(st.clock.now, paris(day, 0) + timedelta(minutes=minute + 60))
            (_seller_moment if st.seller else _shop_moment)(w, st, day, last)
            if k == len(moments) // 2:
                _double_spend(w, day)
        if day == today:
            killed = [st for st in w.tills if not st.seller][:2]
            for st in killed:
                w.set_online(st, True)
            w.killed_redemption(killed[0])
            w.killed_before_upload(killed[1])
        for st in w.tills:  # the evening: some close now (pending or not), some tomorrow morning, some never
            st.clock.now = max(st.clock.now, paris(day, 19, 30))
            if not last and w.rng.random() < 0.6:
                w.close(st, day)
    # the end: every till back online, everything uploaded, every day closed in order
    for st in w.tills:
        st.clock.now = max(st.clock.now, paris(days[-1], 21))
        w.set_online(st, True)
        for _ in range(3):
            w.sync(st)
        assert st.till.outbox.count_pending() == 0, st.name
        for d in days:
            w.close(st, d)
        assert [c.period for c in st.books.closings.all("day")][-1] == days[-1].isoformat(), w.log[-20:]
        assert st.till.ledger.verify().ok
    return days


def _till_claims(w: World, mid: str, key: str) -> tuple[int, dict[str, int]]:
    """(total claimed by the shop's closings, claimed per business day of origin) for ``key``:
    owed_by_operator (redemptions) or owed_to_operator (sales)."""
    total, per_day = 0, defaultdict(int)
    claim = "reimbursement_cents" if key == "owed_by_operator" else "remittance_cents"
    for st in w.tills:
        if st.merchant_id != mid:
            continue
        for c in st.books.closings.all("day"):
            total += c.totals[claim]
            per_day[c.period] += c.totals[f"{key}_cents"]
            for r in carryover.lines_of(c.totals):
                per_day[r.origin_day] += getattr(r, f"{key}_delta_cents")
    return total, {d: v for d, v in per_day.items() if v}


def _activity_log(db_path: Path, mid: str, opening: str, void: str, amount: str) -> dict[str, int]:
    """Per business day, straight from the server's append-only activity log (plain SQL, not the statement)."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            f"SELECT business_day, SUM({amount}) FROM activities WHERE merchant_id = ? AND kind = ? AND id NOT IN"
            " (SELECT ref_id FROM activities WHERE kind = ? AND ref_id IS NOT NULL) GROUP BY business_day",
            (mid, opening, void)).fetchall()
    return {d: v for d, v in rows if v}


def test_every_cent_claimed_exactly_once(world: World) -> None:
    w = world
    days = simulate(w)
    db = Database(w.server.db_url)
    db_path = Path(w.server.db_url.removeprefix("sqlite:///"))
    try:
        for mid in w.data["shops"] + w.data["sellers"]:
            seller = mid in w.data["sellers"]
            key = "owed_to_operator" if seller else "owed_by_operator"
            with db.reading() as s:
                st = shop_statement(s, mid, days[0], days[-1])
            server_total = st["remittance_cents" if seller else "reimbursement_cents"]
            server_days = {d["day"]: d["remittance_cents" if seller else "reimbursement_cents"] for d in st["by_day"]}
            log = (_activity_log(db_path, mid, "activate", "sale_void", "sale_price_cents") if seller
                   else _activity_log(db_path, mid, "redeem", "void", "amount_cents"))
            till_total, till_days = _till_claims(w, mid, key)
            assert till_total == server_total == sum(log.values()), (mid, till_total, server_total, w.log)
            assert till_days == {d: v for d, v in server_days.items() if v} == log, (mid, till_days, server_days)
            assert server_total > 0
        check_money_figures(db, db_path, days, w.data["shops"], w.data["sellers"], CAMPAIGN)
    finally:
        db.dispose()
    _nothing_counted_twice(w, db_path)


def _nothing_counted_twice(w: World, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        live = conn.execute("SELECT serial, idempotency_key FROM activities WHERE kind = 'redeem' AND id NOT IN"
                            " (SELECT ref_id FROM activities WHERE kind = 'void' AND ref_id IS NOT NULL)").fetchall()
    assert len({s for s, _ in live}) == len(live)  # a voucher is redeemed once
    accepted = [x for st in w.tills if not st.seller for c in [st.books] for d in {c_.period for c_ in
                c.closings.all("day")} for x in c.day_lines(d) if x.kind == daybook.REDEMPTION
                and x.status == daybook.ACCEPTED]
    assert sorted(x.idempotency_key for x in accepted) == sorted(k for _, k in live)
    conflicts = [x for st in w.tills for c in [st.books] for d in {c_.period for c_ in c.closings.all("day")}
                 for x in c.day_lines(d) if x.status == daybook.CONFLICT]
    assert conflicts, "the simulation made no double spend"
    assert any("killed -9 after" in line for line in w.log) and any(" close " in line for line in w.log)
    assert any("killed -9 between its write and its upload" in line for line in w.log)
