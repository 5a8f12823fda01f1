"""Benchmark of the operator's money figures at a scheme's size: 60 tobacconists selling 50 000 vouchers over
100 days, 70 shops redeeming 40 000 of them (a few voided), two funders; then the time of each figure the
console and the CLIs compute, on SQLite and PostgreSQL.

    .venv/bin/python bench/money_figures.py [--backends sqlite,postgres] [--vouchers 50000] [--pg URL]

The activity log is written in bulk (as the API would have written it, one row per sale, redemption, void);
the figures are the services' own functions. Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voucher_core.timeutil import PARIS
from voucher_server import admin
from voucher_server.db import Database, upgrade
from voucher_server.models import Activity, Voucher
from voucher_server.services import funders, liability, remittance, sepa, settlement
from voucher_server.services.periods import Period

SECRET = "bench-money"
START = date(2026, 11, 14)
SHOPS, SELLERS = 70, 60
IBAN = "FR7630006000011234567890189"


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, dtime(9 + rng.randrange(10), rng.randrange(60)), PARIS).astimezone(UTC)


def _merchants(s: Any) -> None:
    for i in range(1, SHOPS + 1):
        admin.add_merchant(s, f"Commerce {i}", merchant_id=f"S{i:04d}")
        s.flush()
    for i in range(1, SELLERS + 1):
        admin.add_merchant(s, f"Tabac {i}", merchant=False, seller=True, merchant_id=f"T{i:04d}")
    s.flush()
    s.execute(update(admin.Merchant).values(iban=IBAN))


Rows = list[dict[str, Any]]


def _activities(serials: list[str], redeemed: int, rng: random.Random) -> tuple[Rows, Rows]:
    """Sales and redemptions (at the value of their day); the vouchers' resulting states."""
    acts: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    topup_until = START + timedelta(days=78)
    for n, serial in enumerate(serials):
        sold = START + timedelta(days=rng.randrange(30))
        at = _moment(sold, rng)
        acts.append({"kind": "activate", "serial": serial, "campaign_id": "BOOST",
                     "merchant_id": f"T{1 + n % SELLERS:04d}", "amount_cents": 1200, "sale_price_cents": 1000,
                     "topup_cents": 200, "server_time": at, "business_time": at, "business_day": sold,
                     "offline": False})
        state = "active"
        if n < redeemed:
            day = sold + timedelta(days=rng.randrange(1, 70))
            amount = 1200 if day <= topup_until else 1000
            at = _moment(day, rng)
            acts.append({"kind": "redeem", "serial": serial, "campaign_id": "BOOST",
                         "merchant_id": f"S{1 + n % SHOPS:04d}", "amount_cents": amount, "sale_price_cents": 0,
                         "topup_cents": 0, "server_time": at, "business_time": at, "business_day": day,
                         "offline": False})
            state = "redeemed"
        states.append({"serial": serial, "state": state})
    return acts, states


def seed(url: str, vouchers: int) -> None:
    rng = random.Random(14)
    upgrade(url)
    db = Database(url)
    with db.writing() as s:
        _merchants(s)
        admin.create_campaign(s, "BOOST", "Booster", 1200, 1000, START, START + timedelta(days=106), SECRET,
                              topup_until=START + timedelta(days=78))
        funders.add_funder(s, "Communauté de communes")
        funders.add_funder(s, "Ville")
        funders.link_funder(s, "BOOST", "F0001", 8000)
        funders.link_funder(s, "BOOST", "F0002", 2000)
        serials = admin.issue(s, "BOOST", vouchers, secret=SECRET)
        acts, states = _activities(serials, vouchers * 4 // 5, rng)
        for i in range(0, len(acts), 5000):
            s.execute(insert(Activity), acts[i:i + 5000])
        s.execute(update(Voucher), states)
    db.analyze()
    db.dispose()


def timed(label: str, fn: Callable[[], Any]) -> Any:
    t = time.perf_counter()
    out = fn()
    print(f"  {label:<46} {1000 * (time.perf_counter() - t):8.1f} ms")
    return out


def run(url: str, vouchers: int) -> None:
    t = time.perf_counter()
    seed(url, vouchers)
    print(f"  seeded {vouchers} vouchers in {time.perf_counter() - t:.1f} s")
    db = Database(url)
    month = Period(date(2026, 12, 1), date(2026, 12, 31))
    with db.reading() as s:
        dues = timed("shops_due (70 shops, one month)", lambda: settlement.shops_due(s, month))
        timed("shop_reimbursement (one shop, one month)", lambda: settlement.shop_reimbursement(s, "S0001", month))
        first_month = Period(START, START + timedelta(days=30))
        timed("remittances (60 tobacconists, one month)", lambda: remittance.remittances(s, first_month))
        inv = timed("funder_invoice (one month)", lambda: funders.funder_invoice(s, "F0001", month))
        li = timed("liability (one day)", lambda: liability.liability(s, date(2026, 12, 31)))
        timed("breakage (campaign)", lambda: liability.breakage(s, "BOOST", START + timedelta(days=200)))
        exp = timed("sepa_credit_transfer (70 shops)", lambda: sepa.sepa_credit_transfer(
            s, month, sepa.Debtor("Opérateur", IBAN), datetime.now(UTC), pain="03"))  # no addresses in the bench data
    db.dispose()
    print(f"  check: {len(dues)} shops due, {exp.control_sum_cents} cents in the SEPA file, funder "
          f"{inv.topup_cents} cents, liability {li.as_json()['outstanding_cents']} cents")


def on_backends(run: Callable[[str, int], None], prefix: str) -> None:
    """Parse --backends/--vouchers/--pg and call ``run(db_url, vouchers)`` on a fresh database of each backend
    (a temporary SQLite file; a PostgreSQL database of its own, dropped after)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--vouchers", type=int, default=50_000)
    ap.add_argument("--pg", default="postgresql://127.0.0.1:5432/test")
    args = ap.parse_args()
    for backend in args.backends.split(","):
        print(backend)
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                run(f"sqlite:///{tmp}/{prefix}.db", args.vouchers)
            continue
        name = f"bench_{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            run(args.pg.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}",
                args.vouchers)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    on_backends(run, "money")

if __name__ == "__main__":
    main()
