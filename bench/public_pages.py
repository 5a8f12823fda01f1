"""Benchmark of the holders' voucher pages under till load: /v/<code> pages served while tills redeem, on
PostgreSQL, uvicorn with 2 workers (the target: pages at >= 500/s while tills redeem at 1 000/s, redemption p99
still <= 40 ms).

    .venv/bin/python bench/public_pages.py [--workers 2] [--seconds 15] [--redeem-rate 1000] [--page-rate 500]
        [--tills 32] [--holders 16]

One run: 32 tills redeem fresh active vouchers paced at --redeem-rate (request i due at start + i/rate, latency
counted from when it was due: no coordinated omission, as bench/server_redeem.py), and at the same time 16 phones
open voucher pages paced at --page-rate (half by signed QR code, half by the 20-digit printed number, each a real
page read of the database and rendered HTML). All from 127.0.0.1, so the per-address bucket is opened wide for the
run (VOUCHER_SERVER_PUBLIC_RATE/BURST); a real deployment keeps it tight. Then a short run of pages alone, as fast
as answered, for the most the server does. Prints figures, and where the CPU went during the paced run (each server
process, PostgreSQL, this load generator, from /proc); asserts nothing about speed. The load generator shares the
machine's CPUs with the server and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

import requests
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("VOUCHER_SERVER_SECRET", "bench-secret")

from server_redeem import HttpClient, add_active_vouchers, drop_pg_db, new_pg_db, pct

from voucher_server.testing import LiveServer


def cpu_seconds() -> dict[int, tuple[str, int, float]]:
    """pid -> (command, process group, CPU seconds used so far) of every process, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[str, int, float]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                head, _, tail = (proc / "stat").read_text().rpartition(")")
            except OSError:
                continue
            f = tail.split()
            out[int(proc.name)] = (head.partition("(")[2], int(f[2]), (int(f[11]) + int(f[12])) / tick)
    return out


def cpu_report(before: dict[int, tuple[str, int, float]], after: dict[int, tuple[str, int, float]],
               server_group: int, seconds: float) -> str:
    """Where the CPU went between two snapshots: each server process, PostgreSQL, this load generator."""
    used = {pid: (comm, group, cpu - before.get(pid, (comm, group, 0.0))[2])
            for pid, (comm, group, cpu) in after.items()}
    server = sorted((c for _, g, c in used.values() if g == server_group), reverse=True)
    pg = sum(c for comm, _, c in used.values() if comm == "postgres")
    me = used.get(os.getpid(), ("", 0, 0.0))[2]
    rest = sum(c for _, _, c in used.values()) - sum(server) - pg - me
    share = " + ".join(f"{c / seconds:.0%}" for c in server if c >= 0.05 * seconds)
    return (f"  CPU over {seconds:.1f} s of {os.cpu_count()} cores: server processes {share} of a core, PostgreSQL "
            f"{pg / seconds:.0%}, this load generator {me / seconds:.0%}, everything else {rest / seconds:.0%}")


class PageClient(HttpClient):
    """The same keep-alive client, GET with a phone's headers; reads the page's Content-Length body."""

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: fr-FR,fr;q=0.9\r\n"
                          b"Accept: text/html\r\n\r\n" % path.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return int(head[9:12]), await self.reader.readexactly(length)


def run(srv: LiveServer, serials: list[str], pages: list[str], tills: int, holders: int, redeem_rate: float | None,
        page_rate: float | None, seconds: float) -> dict[str, float]:
    tokens = [t["token"] for t in srv.seed["terminals"] if t["role"] == "merchant" and t["in_campaign"]]
    r_lat: list[float] = []
    p_lat: list[float] = []
    r_ok = r_bad = p_ok = p_bad = 0
    start = 0.0
    n_redeem = len(serials)
    n_pages = int(page_rate * seconds) if page_rate else 10**9
    r_next = 0
    p_next = 0

    async def till(n: int) -> None:
        nonlocal r_next, r_ok, r_bad
        http = HttpClient(srv.port, tokens[n % len(tokens)])
        try:
            while r_next < n_redeem:
                i, r_next = r_next, r_next + 1
                t0 = time.perf_counter()
                if redeem_rate is not None:
                    due = start + i / redeem_rate
                    if due > t0:
                        await asyncio.sleep(due - t0)
                    t0 = due
                body = b'{"idempotency_key":"%s","offline":false}' % uuid.uuid4().hex.encode()
                status, _ = await http.post(f"/api/v1/vouchers/{serials[i]}/redeem", body)
                r_lat.append(time.perf_counter() - t0)
                r_ok, r_bad = r_ok + (status == 200), r_bad + (status != 200)
        finally:
            http.close()

    async def phone(n: int) -> None:
        nonlocal p_next, p_ok, p_bad
        http = PageClient(srv.port, "")
        try:
            while p_next < n_pages and time.perf_counter() - start < seconds:
                i, p_next = p_next, p_next + 1
                t0 = time.perf_counter()
                if page_rate is not None:
                    due = start + i / page_rate
                    if due > t0:
                        await asyncio.sleep(due - t0)
                    t0 = due
                status, body = await http.get(f"/v/{pages[i % len(pages)]}")
                p_lat.append(time.perf_counter() - t0)
                good = status == 200 and b'data-state="valid"' in body
                p_ok, p_bad = p_ok + good, p_bad + (not good)
        finally:
            http.close()

    async def everyone() -> tuple[float, float]:
        nonlocal start
        start = time.perf_counter()
        ends: dict[str, float] = {}

        async def timed(name: str, coros: list) -> None:  # type: ignore[type-arg]
            await asyncio.gather(*coros)
            ends[name] = time.perf_counter() - start

        await asyncio.gather(timed("tills", [till(n) for n in range(tills if serials else 0)]),
                             timed("phones", [phone(n) for n in range(holders)]))
        return ends.get("tills", 0.0), ends["phones"]

    t_elapsed, p_elapsed = uvloop.run(everyone())
    return {"redeemed": r_ok, "redeem_bad": r_bad, "redeem_per_s": r_ok / t_elapsed if t_elapsed else 0.0,
            "r_p50": pct(r_lat, 0.5) * 1000, "r_p99": pct(r_lat, 0.99) * 1000,
            "pages": p_ok, "pages_bad": p_bad, "pages_per_s": p_ok / p_elapsed,
            "p_p50": pct(p_lat, 0.5) * 1000, "p_p99": pct(p_lat, 0.99) * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--redeem-rate", type=float, default=1000.0)
    ap.add_argument("--page-rate", type=float, default=500.0)
    ap.add_argument("--tills", type=int, default=32)
    ap.add_argument("--holders", type=int, default=16)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other jobs may be running)",
          flush=True)
    pg_name, url = new_pg_db()
    try:
        srv = LiveServer(db_url=url, rate=1e9, burst=1e9, workers=args.workers,
                         env={"VOUCHER_SERVER_PUBLIC_RATE": "1e9", "VOUCHER_SERVER_PUBLIC_BURST": "1e9"})
        serials = add_active_vouchers(url, int(args.redeem_rate * args.seconds))
        with srv:
            requests.get(srv.url + "/api/v1/health", timeout=10)
            seen = [v for v in srv.seed["vouchers"] if v["state"] == "active" and v["campaign"] == "BOOST24"]
            pages = [v["code"] if i % 2 else v["serial"] for i, v in enumerate(seen)]
            assert requests.get(f"{srv.url}/v/{pages[1]}", timeout=10).status_code == 200
            before, t0 = cpu_seconds(), time.perf_counter()
            r = run(srv, serials, pages, args.tills, args.holders, args.redeem_rate, args.page_rate, args.seconds)
            cpu = cpu_report(before, cpu_seconds(), srv.pid or 0, time.perf_counter() - t0)
            print(f"[postgres workers={args.workers}] tills paced at {args.redeem_rate:.0f}/s + phones paced at "
                  f"{args.page_rate:.0f}/s for {args.seconds:.0f} s:\n"
                  f"  redemptions: {r['redeem_per_s']:.0f}/s, p50 {r['r_p50']:.1f} ms, p99 {r['r_p99']:.1f} ms, "
                  f"{r['redeemed']} redeemed, {r['redeem_bad']} not 200\n"
                  f"  voucher pages: {r['pages_per_s']:.0f}/s, p50 {r['p_p50']:.1f} ms, p99 {r['p_p99']:.1f} ms, "
                  f"{r['pages']} good pages, {r['pages_bad']} bad\n{cpu}", flush=True)
            alone = run(srv, [], pages, 0, args.holders, None, None, 5.0)
            print(f"[postgres workers={args.workers}] pages alone, as fast as answered, 5 s: "
                  f"{alone['pages_per_s']:.0f} pages/s, p50 {alone['p_p50']:.1f} ms, p99 {alone['p_p99']:.1f} ms, "
                  f"{alone['pages_bad']} bad", flush=True)
    finally:
        drop_pg_db(pg_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
