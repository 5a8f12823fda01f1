"""Server stopped: offline verdicts from the cache and signatures, each policy limit; then sync exactly once, and
two shops redeeming the same voucher offline end with one accepted and one conflict."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from voucher_core.timeutil import business_day, to_utc_text, utc_now
from voucher_core.verdicts import Mode, Verdict
from voucher_server.testing import LiveServer

from .conftest import Vouchers, open_till


@pytest.fixture(scope="module")
def own_server() -> Iterator[LiveServer]:
    with LiveServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def own_vouchers(own_server: LiveServer) -> Vouchers:
    return Vouchers(own_server.seed)


def server_redemptions(srv: LiveServer, token: str, serial: str) -> list[dict]:
    day = business_day(utc_now()).isoformat()
    body = requests.get(f"{srv.url}/api/v1/ledger", params={"date": day},
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    return [a for a in body["activities"] if a["serial"] == serial and a["kind"] == "redeem"]


def kinds(till) -> list[str]:
    return [e.kind for e in till.ledger.entries()]


def test_offline_verdicts_limits_and_sync_exactly_once(tmp_path: Path, own_server: LiveServer,
                                                       own_vouchers: Vouchers):
    srv = own_server
    a = open_till(tmp_path / "a", srv, srv.token("merchant", 0))
    b = open_till(tmp_path / "b", srv, srv.token("merchant", 2))  # another shop
    good, twice, forged_src = own_vouchers.take(), own_vouchers.take(), own_vouchers.take()
    issued = own_vouchers.take("issued")
    srv.stop()
    try:
        # offline accept of a cached active voucher
        out = a.redemptions.redeem(good["code"])
        assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.OFFLINE
        assert a.outbox.count_pending() == 1
        # the same till scans it again: already redeemed (local mark)
        again = a.redemptions.redeem(good["serial"])
        assert again.verdict.verdict is Verdict.ALREADY_REDEEMED and again.verdict.mode is Mode.OFFLINE
        # unknown, forged, not activated
        assert a.redemptions.check("000009999990").verdict in (Verdict.UNKNOWN, Verdict.MALFORMED)
        sig_start = forged_src["code"].rindex(":") + 1
        sig = forged_src["code"][sig_start:]
        tampered = forged_src["code"][:sig_start] + ("A" if sig[0] != "A" else "B") + sig[1:]
        assert a.redemptions.redeem(tampered).verdict.verdict is Verdict.FORGED
        assert a.redemptions.check(issued["code"]).verdict is Verdict.NOT_ACTIVATED
        # each limit, from the owner's tightenings (they may only tighten the operator's policy)
        a.set_owner_policy(max_offline_total_cents_per_day=1200)  # 12 € already taken offline today
        refused = a.redemptions.redeem(twice["code"])
        assert refused.verdict.verdict is Verdict.OFFLINE_REFUSED and refused.verdict.reason == "offline_daily_cap"
        a.set_owner_policy(max_offline_total_cents_per_day=None, max_cache_age_seconds=60)
        a.settings.set("cache_synced_utc", to_utc_text(utc_now() - timedelta(seconds=120)))
        refused = a.redemptions.check(twice["code"])
        assert refused.verdict is Verdict.OFFLINE_REFUSED and refused.reason == "cache_too_old"
        a.settings.set("cache_synced_utc", to_utc_text(utc_now()))
        a.set_owner_policy(max_cache_age_seconds=None, offline_allowed=False)
        refused = a.redemptions.check(twice["code"])
        assert refused.verdict is Verdict.OFFLINE_REFUSED and refused.reason == "offline_not_allowed"
        a.set_owner_policy(offline_allowed=True)  # back to the operator's policy
        assert a.policy().offline_allowed
        # two shops redeem the same voucher offline
        assert a.redemptions.redeem(twice["code"]).verdict.accepted
        assert b.redemptions.redeem(twice["code"]).verdict.accepted
        # while down, the sync fails cleanly and keeps everything
        report = a.sync.sync_once()
        assert report.errors and a.outbox.count_pending() == 2
    finally:
        srv.start()
    a.network.last_failure = b.network.last_failure = None
    report = a.sync.sync_once()
    assert report.ok and report.pushed == 2 and report.conflicts == 0
    report = a.sync.sync_once()
    assert report.pushed == 0  # exactly once
    token_a = srv.token("merchant", 0)
    assert len(server_redemptions(srv, token_a, good["serial"])) == 1
    report = b.sync.sync_once()
    assert report.conflicts == 1
    assert "redemption_conflict" in kinds(b)
    conflict = next(e for e in b.ledger.entries() if e.kind == "redemption_conflict")
    assert conflict.data["verdict"] == "already_redeemed" and conflict.data["redeemed_by"] == "Boulangerie Martin"
    assert [r.state for r in b.outbox.all() if r.kind == "redeem"] == ["conflict"]  # never deleted
    assert b.sync.sync_once().conflicts == 0  # and never re-sent
    assert len(server_redemptions(srv, token_a, twice["serial"])) == 1
    assert a.ledger.verify().ok and b.ledger.verify().ok
    a.close()
    b.close()


def test_revoked_token_stops_offline_acceptance(tmp_path: Path, own_server: LiveServer, own_vouchers: Vouchers):
    from pos_app.api.tokens import MemoryTokenProvider
    from pos_app.services.till import Till

    srv = own_server
    tokens = MemoryTokenProvider()
    t = Till.open(tmp_path / "t", token_provider=tokens)
    t.configure(srv.url, srv.token("merchant", 1))
    assert t.sync.sync_once().ok
    tokens.set("revoked-token-0000000000")  # the operator revoked it: the server now answers 401
    v = own_vouchers.take()
    out = t.redemptions.redeem(v["code"])
    assert out.verdict.verdict is Verdict.OFFLINE_REFUSED and t.network.auth_blocked()
    srv.stop()
    try:
        refused = t.redemptions.redeem(v["code"])
        assert refused.verdict.verdict is Verdict.OFFLINE_REFUSED and refused.verdict.reason == "auth_blocked"
        assert t.sync.status().auth_blocked
    finally:
        srv.start()
    t.configure(srv.url, srv.token("merchant", 1))  # reconfigured: offline acceptance is back
    assert t.network.auth_blocked() is None
    assert t.redemptions.redeem(v["code"]).verdict.accepted
    t.close()


def test_offline_sale_then_sync(tmp_path: Path, own_server: LiveServer, own_vouchers: Vouchers):
    srv = own_server
    s = open_till(tmp_path / "s", srv, srv.token("seller", 0))
    v = own_vouchers.take("issued")
    srv.stop()
    try:
        checked = s.sales.check(v["code"])  # offline, the cache decides
        assert checked.ok and checked.mode == "offline" and checked.price_cents == 1000
        out = s.sales.sell(v["code"])
        assert out.ok and out.mode == "offline" and out.verdict == "accepted"
        assert not s.sales.check(v["code"]).ok
        cached = s.cache.voucher(v["serial"])
        assert cached.sold_here and cached.state.value == "issued"
        assert not s.sales.sell(v["code"]).ok  # sold here already
    finally:
        srv.start()
    s.network.last_failure = None
    report = s.sync.sync_once()
    assert report.ok and report.pushed == 1
    assert s.cache.voucher(v["serial"]).state.value == "active"
    assert "sale_confirmed" in kinds(s)
    s.close()


def test_void_of_unsynced_redemption_cancels_locally_and_upstream(tmp_path: Path, own_server: LiveServer,
                                                                 own_vouchers: Vouchers):
    srv = own_server
    t = open_till(tmp_path / "v", srv, srv.token("merchant", 1))
    v = own_vouchers.take()
    srv.stop()
    try:
        assert t.redemptions.redeem(v["code"]).verdict.accepted
        out = t.redemptions.void_last()
        assert out.ok and out.serial == v["serial"]
        assert [r.kind for r in t.outbox.pending()] == ["redeem", "void"]  # the void queued after it
        assert t.today_offline_cents() == 0
    finally:
        srv.start()
    t.network.last_failure = None
    report = t.sync.sync_once()
    assert report.ok and report.pushed == 2
    assert kinds(t).count("void") == 1 and "redemption_confirmed" in kinds(t)  # both entries stay
    day = business_day(utc_now()).isoformat()
    acts = requests.get(f"{srv.url}/api/v1/ledger", params={"date": day}, timeout=10,
                        headers={"Authorization": f"Bearer {srv.token('merchant', 1)}"}).json()["activities"]
    assert sorted(a["kind"] for a in acts if a["serial"] == v["serial"]) == ["redeem", "void"]
    assert t.cache.voucher(v["serial"]).state.value == "active"  # voided centrally too
    assert t.redemptions.check(v["code"]).verdict is Verdict.ACCEPTED
    t.close()


def test_sync_loop_pushes_what_was_taken_offline(tmp_path: Path, own_server: LiveServer, own_vouchers: Vouchers):
    import time

    srv = own_server
    t = open_till(tmp_path / "loop", srv, srv.token("merchant", 1))
    v = own_vouchers.take()
    srv.stop()
    try:
        assert t.redemptions.redeem(v["code"]).verdict.mode is Mode.OFFLINE
    finally:
        srv.start()
    reports = []
    loop = t.start_sync_loop(interval=3600, on_report=reports.append)  # runs once at start
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(r.pushed for r in reports):
            time.sleep(0.05)
    finally:
        loop.stop()
    assert any(r.pushed == 1 for r in reports) and t.outbox.count_pending() == 0
    t.close()


def test_offline_typed_serial_keeps_its_campaign(tmp_path: Path, own_server: LiveServer, own_vouchers: Vouchers):
    """Within the hold after a network failure, a typed serial is judged from the cache: its redemption keeps the
    campaign the cache knows (it used to land under campaign '')."""
    srv = own_server
    t = open_till(tmp_path / "typed", srv, srv.token("merchant", 0))
    first, typed = own_vouchers.take(), own_vouchers.take()
    srv.stop()
    try:
        assert t.redemptions.redeem(first["code"]).verdict.accepted  # the failure: the till now holds offline
        assert t.network.held_offline()
        out = t.redemptions.redeem(typed["serial"])
        assert out.verdict.accepted and out.verdict.mode is Mode.OFFLINE
    finally:
        srv.start()
    entry = next(e for e in t.ledger.entries() if e.seq == out.ledger_seq)
    assert entry.campaign_id == typed["campaign"] != ""
    t.network.last_failure = None
    assert t.sync.sync_once().pushed == 2

    lines = t.books.day_lines(entry.business_day)
    assert {x.campaign_id for x in lines} == {typed["campaign"]}
    t.close()
