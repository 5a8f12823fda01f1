"""Benchmark of the accountant's FEC export for a scheme's year: 60 tobacconists selling 50 000 vouchers, 70 shops
redeeming 40 000 of them, two funders (seeded as bench/money_figures.py does), then twelve monthly payouts of the
shops' statements; then the time of a year's FEC (and of the spreadsheet journal), on SQLite and PostgreSQL.

    .venv/bin/python bench/books.py [--backends sqlite,postgres] [--vouchers 50000] [--pg URL]

Prints figures (target: a year's FEC in 10 s or less on each); asserts nothing about speed.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from money_figures import START, on_backends, seed

from voucher_core.timeutil import PARIS
from voucher_server.db import Database
from voucher_server.services import settlement
from voucher_server.services.fec_files import FecFormat, build_fec
from voucher_server.services.periods import Period

YEAR = Period(date(2026, 11, 1), date(2027, 10, 31))


def months(period: Period) -> list[Period]:
    out, day = [], period.start
    while day <= period.end:
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        out.append(Period(day, min(period.end, date.fromordinal(nxt.toordinal() - 1))))
        day = nxt
    return out


def pay_months(url: str) -> int:
    """Every shop's statement of each of the year's twelve months marked paid on the 5th of the next month."""
    db = Database(url)
    count = 0
    with db.writing() as s:
        for month in months(YEAR):
            nxt = date.fromordinal(month.end.toordinal() + 5)
            when = datetime.combine(nxt, dtime(10), PARIS).astimezone(UTC)
            for due in settlement.shops_due(s, month):
                if due.paid is None and due.redeemed_cents > due.voided_cents:
                    settlement.mark_statement_paid(s, due.merchant_id, month, "bench", when)
                    count += 1
    db.dispose()
    return count


def run(url: str, vouchers: int) -> None:
    t = time.perf_counter()
    seed(url, vouchers)
    paid = pay_months(url)
    print(f"  seeded {vouchers} vouchers from {START} and {paid} monthly payouts in {time.perf_counter() - t:.1f} s")
    db = Database(url)
    with db.reading() as s:
        for fmt in (FecFormat.FEC, FecFormat.CSV):
            t = time.perf_counter()
            f = build_fec(s, YEAR, fmt)
            print(f"  {fmt.value} of the year {YEAR.start}..{YEAR.end}: {time.perf_counter() - t:6.2f} s "
                  f"({f.entry_count} entries, {f.line_count} lines, {len(f.data)} bytes, "
                  f"debit {f.debit_cents} = credit {f.credit_cents} cents)")
    db.dispose()


def main() -> None:
    on_backends(run, "books")

if __name__ == "__main__":
    main()
