"""Benchmark of the reference central API: redemptions/s and latency under 32 concurrent clients, and
/changes pages/s over a 100 000 voucher snapshot, on SQLite and PostgreSQL, uvicorn with 1 and 2 workers.

    .venv/bin/python bench/server_redeem.py [--backends sqlite,postgres] [--workers 1,2] [--clients 32]
                                            [--vouchers 2000] [--snapshot 100000]

Every voucher is attempted twice by different clients (two merchants): the check at the end is that each was
redeemed exactly once, in the responses and in the activity log. Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import queue
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
from sqlalchemy import create_engine, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("VOUCHER_SERVER_SECRET", "bench-secret")

from voucher_server import admin
from voucher_server.db import Database
from voucher_server.models import Terminal, Voucher
from voucher_server.testing import LiveServer

PG_ADMIN = os.environ.get("VOUCHER_TEST_PG", "postgresql://127.0.0.1:5432/test")


def new_pg_db() -> tuple[str, str]:
    import psycopg

    name = f"vs_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name


def drop_pg_db(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_active_vouchers(db_url: str, count: int) -> list[str]:
    """Issue and activate ``count`` more BOOST24 vouchers (operator side, in-process)."""
    db = Database(db_url)
    with db.writing() as s:
        serials = admin.issue(s, "BOOST24", count, secret=os.environ["VOUCHER_SERVER_SECRET"])
        seller = s.scalars(select(Terminal).where(Terminal.merchant_id == "M0004")).first()
        admin.activate_batch(s, serials, "M0004", seller.id if seller else None)
    db.dispose()
    return serials


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def run_redeem(srv: LiveServer, serials: list[str], clients: int) -> dict[str, float]:
    tokens = [t["token"] for t in srv.seed["terminals"] if t["role"] == "merchant" and t["in_campaign"]]
    work: queue.Queue[str] = queue.Queue()
    for serial in serials:  # each voucher twice, consecutive, so two clients race for it
        work.put(serial)
        work.put(serial)
    lat: list[float] = []
    results: list[tuple[str, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        sess = requests.Session()
        h = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        mine_lat, mine_res = [], []
        barrier.wait()
        while True:
            try:
                serial = work.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            r = sess.post(f"{srv.url}/api/v1/vouchers/{serial}/redeem", headers=h,
                          json={"idempotency_key": uuid.uuid4().hex}, timeout=120)
            mine_lat.append(time.perf_counter() - t0)
            mine_res.append((serial, r.status_code))
        with lock:
            lat.extend(mine_lat)
            results.extend(mine_res)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    wins = Counter(s for s, st in results if st == 200)
    other = Counter(st for _, st in results if st not in (200, 409))
    engine = create_engine(srv.db_url)
    with engine.connect() as conn:
        doubles = conn.execute(text(
            "SELECT count(*) FROM (SELECT serial FROM activities WHERE kind='redeem' GROUP BY serial "
            "HAVING count(*) > 1) d")).scalar_one()
    engine.dispose()
    return {"requests": len(results), "redeemed": sum(wins.values()), "elapsed": elapsed,
            "redeem_per_s": sum(wins.values()) / elapsed, "req_per_s": len(results) / elapsed,
            "p50_ms": pct(lat, 0.50) * 1000, "p99_ms": pct(lat, 0.99) * 1000,
            "double_in_responses": sum(1 for v in wins.values() if v > 1), "double_in_log": doubles,
            "missing": len(set(serials) - set(wins)), "unexpected_status": sum(other.values())}


def run_changes(srv: LiveServer, limit: int = 1000) -> dict[str, float]:
    tok = next(t["token"] for t in srv.seed["terminals"] if t["role"] == "merchant" and t["in_campaign"])
    sess = requests.Session()
    h = {"Authorization": f"Bearer {tok}"}
    cursor, pages, rows = None, 0, 0
    t0 = time.perf_counter()
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = sess.get(f"{srv.url}/api/v1/changes", params=params, headers=h, timeout=120).json()
        pages, rows, cursor = pages + 1, rows + len(page["changes"]), page["next_cursor"]
        if not page["has_more"]:
            break
    elapsed = time.perf_counter() - t0
    return {"pages": pages, "rows": rows, "elapsed": elapsed, "pages_per_s": pages / elapsed,
            "rows_per_s": rows / elapsed}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--vouchers", type=int, default=2000, help="vouchers per run (each attempted twice)")
    ap.add_argument("--snapshot", type=int, default=100_000, help="vouchers for the /changes snapshot (0: skip)")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other jobs may be running)")
    for backend in args.backends.split(","):
        for workers in [int(w) for w in args.workers.split(",")]:
            pg_name = None
            if backend == "postgres":
                pg_name, url = new_pg_db()
            else:
                url = f"sqlite:///{Path(os.environ.get('TMPDIR', '/tmp')) / f'vs_bench_{secrets.token_hex(4)}.db'}"
            try:
                srv = LiveServer(db_url=url, rate=1e9, burst=1e9, workers=workers)
                serials = add_active_vouchers(url, args.vouchers)
                with srv:
                    requests.get(srv.url + "/api/v1/health", timeout=10)
                    r = run_redeem(srv, serials, args.clients)
                    print(f"[{backend} workers={workers} clients={args.clients}] redeem: "
                          f"{r['redeem_per_s']:.0f} redemptions/s ({r['req_per_s']:.0f} req/s incl. the 409 losers), "
                          f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, {r['redeemed']}/{args.vouchers} "
                          f"redeemed, doubles: responses {r['double_in_responses']} log {r['double_in_log']}, "
                          f"missing {r['missing']}, unexpected statuses {r['unexpected_status']}", flush=True)
                    if args.snapshot and workers == 1:
                        extra = max(0, args.snapshot - len(srv.seed["vouchers"]) - args.vouchers)
                        t0 = time.perf_counter()
                        db = Database(url)
                        with db.writing() as s:
                            admin.issue(s, "BOOST24", extra, secret=os.environ["VOUCHER_SERVER_SECRET"])
                            total = s.query(Voucher).count()
                        db.analyze()  # as `voucher-server issue` does
                        db.dispose()
                        print(f"[{backend}] issued {extra} vouchers in {time.perf_counter() - t0:.1f} s "
                              f"(total {total})", flush=True)
                        c = run_changes(srv)
                        print(f"[{backend} workers=1] /changes snapshot: {c['rows']} rows in {c['pages']} pages "
                              f"of 1000, {c['elapsed']:.2f} s: {c['pages_per_s']:.1f} pages/s, "
                              f"{c['rows_per_s']:.0f} rows/s", flush=True)
            finally:
                if pg_name:
                    drop_pg_db(pg_name)
                elif url.startswith("sqlite:///"):
                    for suffix in ("", "-wal", "-shm"):
                        Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
