"""Benchmark of the books: PDF and CSV of a 10 000-redemption day, verify-ledger over 1 000 000 entries,
and the latency of appending one entry (p50/p99). Prints figures; asserts nothing.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ledger.py [--entries 1000000] [--day 10000] [--appends 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pos_app.services.books import Books
from pos_app.store import open_home
from pos_app.store.ledger import _INSERT, LedgerStore, _entry_to_row
from voucher_core.ledger import GENESIS_HASH, EntryKind, LedgerEntry
from voucher_core.timeutil import to_utc_text

DAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def entries_for(n_redemptions: int, start_seq: int = 1, prev: str = GENESIS_HASH,
                start: datetime = DAY) -> list[LedgerEntry]:
    """n redemptions, each followed by its confirmation (2n entries), sealed in a chain."""
    out: list[LedgerEntry] = []
    seq = start_seq
    step = timedelta(seconds=max(1, 40000 // max(1, n_redemptions)))
    for i in range(n_redemptions):
        at = start + step * i
        day = "2026-11-23" if start == DAY else (at + timedelta(hours=1)).date().isoformat()
        opening = LedgerEntry(seq=0, ts_utc=to_utc_text(at), business_day=day, kind=EntryKind.REDEMPTION,
                              till_id="caisse-1", cashier="Alice", voucher=f"{4200 + i:012d}", campaign_id="BOOST24",
                              amount_cents=1200, mode="offline" if i % 7 == 0 else "online",
                              idempotency_key=f"bench-{seq:010d}", data={"client_time": to_utc_text(at)})
        opening = opening.sealed(seq, prev)
        out.append(opening)
        seq, prev = seq + 1, opening.hash
        kind = EntryKind.VOID if i % 50 == 0 else EntryKind.REDEMPTION_CONFIRMED
        follow = LedgerEntry(seq=0, ts_utc=to_utc_text(at + timedelta(milliseconds=300)), business_day=day,
                             kind=kind, till_id="caisse-1", cashier="Alice", voucher=opening.voucher,
                             campaign_id="BOOST24", ref_seq=opening.seq, data={"redemption_id": i + 1})
        follow = follow.sealed(seq, prev)
        out.append(follow)
        seq, prev = seq + 1, follow.hash
    return out


def bulk_insert(db, entries: list[LedgerEntry]) -> None:
    with db.transaction() as conn:
        conn.executemany(_INSERT, (_entry_to_row(e) for e in entries))


def bench_reports(n: int, tmp: Path) -> None:
    from pos_app.reports.csv import write_csv
    from pos_app.reports.pdf import ensure_gui_app, write_pdf

    db = open_home(tmp / "day")
    bulk_insert(db, entries_for(n))
    books = Books(db, tmp / "day", clock=lambda: DAY + timedelta(hours=12), till_id="caisse-1", shop="Bench")
    ensure_gui_app()  # the app exists once per process: not part of a report's cost
    t0 = time.perf_counter()
    report = books.day_report("2026-11-23")
    t1 = time.perf_counter()
    write_pdf(report, tmp / "day.pdf")
    t2 = time.perf_counter()
    rows = write_csv(report, tmp / "day.csv")
    t3 = time.perf_counter()
    print(f"day of {n} redemptions: model {t1 - t0:.2f} s, PDF {t2 - t1:.2f} s "
          f"({(tmp / 'day.pdf').stat().st_size // 1024} KiB), CSV {t3 - t2:.2f} s ({rows} rows); "
          f"model+PDF {t2 - t0:.2f} s, model+CSV {t1 - t0 + t3 - t2:.2f} s (target <= 2 s each)")
    db.close()


def bench_verify(n: int, tmp: Path) -> Path:
    db = open_home(tmp / "big")
    t0 = time.perf_counter()
    chunk = 100_000
    seq, prev = 1, GENESIS_HASH
    start = DAY - timedelta(days=400)
    while seq <= n:
        batch = entries_for(min(chunk, n - seq + 1) // 2 or 1, seq, prev, start + timedelta(seconds=seq * 30))
        bulk_insert(db, batch)
        seq, prev = batch[-1].seq + 1, batch[-1].hash
    build = time.perf_counter() - t0
    store = LedgerStore(db)
    t0 = time.perf_counter()
    report = store.verify()
    elapsed = time.perf_counter() - t0
    print(f"verify-ledger over {report.checked} entries: {elapsed:.2f} s ({report.checked / elapsed:,.0f}/s), "
          f"ok={report.ok} (target <= 10 s; building the file took {build:.0f} s)")
    db.close()
    return tmp / "big"


def bench_append(home: Path, count: int) -> None:
    db = open_home(home)
    store = LedgerStore(db)
    times = []
    for i in range(count):
        entry = LedgerEntry(seq=0, ts_utc=to_utc_text(datetime.now(UTC)), business_day="2026-11-23",
                            kind=EntryKind.REDEMPTION, till_id="caisse-1", cashier="Alice", voucher=f"{i:012d}",
                            campaign_id="BOOST24", amount_cents=1200, mode="online", idempotency_key=f"app-{i:08d}")
        t0 = time.perf_counter()
        store.append(entry)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"append one entry ({count} appends, ledger of {store.head()[0]} entries, synchronous=FULL): "
          f"p50 {statistics.median(times):.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--day", type=int, default=10_000)
    parser.add_argument("--appends", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_ledger_") as d:
        tmp = Path(d)
        bench_reports(args.day, tmp)
        big = bench_verify(args.entries, tmp)
        bench_append(big, args.appends)


if __name__ == "__main__":
    main()
