"""Total deadlines against a real trickling server: a socket on 127.0.0.1 that forwards the request to the real
server and passes its answer on one byte every 1.5 s. Connect and read timeouts never fire against it (each byte
comes in time); only a wall-clock deadline does. The elapsed-time bounds below are the functional requirement (a
verdict within 3 s, a sync that gives up), not a benchmark."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.core import daybook
from pos_app.services.sync_records import SyncError, SyncStage
from pos_app.services.till import Till
from voucher_core.timeutil import business_day, utc_now
from voucher_core.verdicts import Mode, Verdict
from voucher_server.testing import FaultServer

from .conftest import point_at
from .test_faults import REPO, cli

DRIP_S = 1.5


def _server_state(server, token: str, serial: str) -> str:
    return requests.get(f"{server.url}/api/v1/vouchers/{serial}", headers={"Authorization": f"Bearer {token}"},
                        timeout=5).json().get("state", "")


def _taken_today(till: Till, serial: str) -> tuple[int, list[str]]:
    lines = [ln for ln in till.books.day_lines(business_day(utc_now()).isoformat())
             if ln.voucher == serial]
    return daybook.totals(lines)["taken_cents"], [ln.status for ln in lines]


def test_trickling_server_gives_a_verdict_within_3_s_and_sync_gives_up_then_resumes(till_factory, vouchers, server):
    t = till_factory("merchant", 0)
    v = vouchers.take()
    proxy = FaultServer("trickle", server.port, delay=DRIP_S)
    try:
        point_at(t, proxy.url)
        start = time.monotonic()
        out = t.redemptions.redeem(v["code"])
        assert time.monotonic() - start <= 3.2
        assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.OFFLINE
        t.network.last_failure = None  # not held offline: this check goes to the trickling server again
        start = time.monotonic()
        assert t.redemptions.check(vouchers.take()["code"]).mode is Mode.OFFLINE
        assert time.monotonic() - start <= 3.2
        t.sync.pass_budget = 4.0
        start = time.monotonic()
        report = t.sync.sync_once()
        assert time.monotonic() - start <= 4.5
        assert report.errors == [SyncError(SyncStage.UNAVAILABLE, "timeout")] and t.outbox.count_pending() == 1
    finally:
        proxy.close()
    point_at(t, server.url)
    report = t.sync.sync_once()
    assert report.ok and report.pushed == 1, report.errors
    assert _taken_today(t, v["serial"]) == (1200, ["accepted"])


def test_redemption_interrupted_then_retried_counts_once(tmp_path: Path, server, vouchers):
    """The till process dies while its redemption trickles (the server took it), the cashier scans the voucher
    again while the network is still bad: the second scan must not take it a second time (it used to be accepted
    offline, the cache still saying 'active', and end as a conflict at sync: 24 € taken for one 12 € voucher)."""
    home, token = tmp_path / "till", server.token("merchant", 0)
    env = dict(os.environ, POS_APP_TOKEN=token, PYTHONPATH=str(REPO))
    server.reset_ledger(token)  # a fresh till file takes over the terminal
    p = cli(home, "configure", "--server", server.url, env=env)
    assert p.wait(60) == 0
    v = vouchers.take()
    proxy = FaultServer("trickle", server.port, delay=DRIP_S)
    try:
        t = Till.open(home, token_provider=MemoryTokenProvider(token))
        point_at(t, proxy.url)
        t.close()
        p = cli(home, "redeem", v["code"], env=env)
        deadline = time.monotonic() + 10
        while _server_state(server, token, v["serial"]) != "redeemed" and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(p.pid, signal.SIGKILL)  # mid-call: the answer is still trickling in
        p.communicate(timeout=10)
        t = Till.open(home, token_provider=MemoryTokenProvider(token))
        assert [e.kind for e in t.ledger.entries() if e.voucher == v["serial"]] == ["redemption"]
        again = t.redemptions.redeem(v["code"])
        assert again.verdict.verdict is Verdict.ALREADY_REDEEMED and again.ledger_seq is None
    finally:
        proxy.close()
    point_at(t, server.url)
    report = t.sync.sync_once()
    assert report.ok and report.pushed == 1 and report.conflicts == 0, report
    assert _taken_today(t, v["serial"]) == (1200, ["accepted"])
    t.close()
