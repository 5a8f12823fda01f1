"""Benchmark of the reference central API: redemptions/s and latency under 32 concurrent clients, and
/changes pages/s over a 100 000 voucher snapshot, on SQLite and PostgreSQL, uvicorn with 1 and 2 workers.

    .venv/bin/python bench/server_redeem.py [--backends sqlite,postgres] [--workers 1,2] [--clients 32]
        [--vouchers 20000] [--rate 1000 --paced 15000 --paced-backends postgres] [--race 5000] [--snapshot 100000]

Three runs per database and worker count, each on fresh active vouchers:
- "as fast as answered": each of the 32 tills sends its next redemption as soon as it has its answer; every
  voucher is redeemed once. The most the server can do, and the latency at that load.
- "paced at 1000/s": the same tills, with request i due at start + i/1000 s; latency counts from when it was due.
  The latency a scheme sees at its target peak.
- "race": each voucher tried at the same moment by two tills of two different shops; the check is that each was
  redeemed exactly once, in the responses and in the activity log.

The load generator runs on the same two CPUs as the server and PostgreSQL; it is a few-dozen-line asyncio HTTP
client on uvloop (tens of µs of CPU a request), not requests (about a millisecond). Prints figures; asserts
nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
import uuid
from collections import Counter, deque
from pathlib import Path

import requests
import uvloop
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


class HttpClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, one connection per simulated till.

    Why not requests or httpx: on this 2-core machine the load generator shares the CPU with the server, and
    requests costs about a millisecond of CPU per call; this costs a few tens of microseconds, so the figures
    measure the server. It speaks just what the redeem endpoint answers (Content-Length bodies).
    """

    def __init__(self, port: int, token: str) -> None:
        self.port, self.auth = port, f"Authorization: Bearer {token}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s" % (path.encode(), self.auth, len(body), body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return int(head[9:12]), await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def run_redeem(srv: LiveServer, serials: list[str], clients: int, attempts: int = 1,
               rate: float | None = None) -> dict[str, float]:
    """``clients`` tills redeeming; ``attempts`` 2: each voucher is tried by two tills of two different shops at
    the same moment (the double-spend race), 1: each voucher once.

    ``rate`` None: each till sends its next request as soon as it has its answer (the most the server can do).
    ``rate`` R: request i is due at start + i/R, spread over the tills in turn; a till that is still waiting
    sends late, and latency counts from when the request was due, so a stall is not hidden by the tills
    slowing down with the server (no coordinated omission).
    """
    tokens = [t["token"] for t in srv.seed["terminals"] if t["role"] == "merchant" and t["in_campaign"]]
    work = deque(enumerate(s for s in serials for _ in range(attempts)))
    lat: list[float] = []
    results: list[tuple[str, int]] = []
    start = 0.0

    async def till(n: int) -> None:
        http = HttpClient(srv.port, tokens[n % len(tokens)])
        try:
            while work:
                i, serial = work.popleft()
                body = b'{"idempotency_key":"%s","offline":false}' % uuid.uuid4().hex.encode()
                t0 = time.perf_counter()
                if rate is not None:
                    due = start + i / rate
                    if due > t0:
                        await asyncio.sleep(due - t0)
                    t0 = due
                status, _ = await http.post(f"/api/v1/vouchers/{serial}/redeem", body)
                lat.append(time.perf_counter() - t0)
                results.append((serial, status))
        finally:
            http.close()

    async def all_tills() -> float:
        nonlocal start
        start = time.perf_counter()
        await asyncio.gather(*(till(n) for n in range(clients)))
        return time.perf_counter() - start

    elapsed = uvloop.run(all_tills())  # uvloop: the load generator's own CPU is CPU the server does not get
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
    ap.add_argument("--vouchers", type=int, default=20000, help="vouchers redeemed once each, per run")
    ap.add_argument("--race", type=int, default=5000, help="vouchers each tried by two shops at once, per run")
    ap.add_argument("--rate", type=float, default=1000.0, help="offered redemptions/s for the paced run")
    ap.add_argument("--paced", type=int, default=15000, help="vouchers redeemed once each at --rate, per run")
    ap.add_argument("--paced-backends", default="postgres",
                    help="backends for the paced run (SQLite cannot carry 1000/s: its queue would just grow)")
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
                paced = args.paced if backend in args.paced_backends.split(",") else 0
                serials = add_active_vouchers(url, args.vouchers + paced + args.race)
                with srv:
                    requests.get(srv.url + "/api/v1/health", timeout=10)
                    cut = args.vouchers + paced
                    runs = [("as fast as answered", serials[:args.vouchers], 1, None),
                            (f"paced at {args.rate:.0f}/s", serials[args.vouchers:cut], 1, args.rate),
                            ("race, 2 shops per voucher", serials[cut:], 2, None)]
                    for label, batch, attempts, rate in runs:
                        if not batch:
                            continue
                        r = run_redeem(srv, batch, args.clients, attempts, rate)
                        print(f"[{backend} workers={workers} clients={args.clients} {label}] "
                              f"{r['redeem_per_s']:.0f} redemptions/s ({r['req_per_s']:.0f} req/s"
                              f"{' incl. the 409 losers' if attempts > 1 else ''}), p50 {r['p50_ms']:.1f} ms, "
                              f"p99 {r['p99_ms']:.1f} ms, {r['redeemed']}/{len(batch)} redeemed, doubles: "
                              f"responses {r['double_in_responses']} log {r['double_in_log']}, missing {r['missing']}, "
                              f"unexpected statuses {r['unexpected_status']}", flush=True)
                    if args.snapshot and workers == 1:
                        extra = max(0, args.snapshot - len(srv.seed["vouchers"]) - len(serials))
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
