"""Store parts, the offline policy, the sync loop and the CLI's contract, on real SQLite files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.policy import OfflinePolicy, OfflineRefusal, effective_policy, offline_refusal
from pos_app.services.sync import SyncLoop
from pos_app.services.sync_records import SyncError, SyncReport, SyncStage
from pos_app.services.till import Till
from pos_app.store.cache import CacheStore
from pos_app.store.db import Database
from pos_app.store.outbox import OutboxStore

REPO = Path(__file__).resolve().parents[2]


def test_owner_may_only_tighten_the_operator_policy():
    op = {"offline_allowed": True, "max_offline_total_cents_per_day": 60000, "max_cache_age_seconds": 86400}
    p = effective_policy(op, {"max_offline_total_cents_per_day": 90000, "max_cache_age_seconds": 3600})
    assert p == OfflinePolicy(True, 60000, 3600)
    assert not effective_policy({"offline_allowed": False}, {"offline_allowed": True}).offline_allowed
    assert effective_policy(None, None).max_cache_age_seconds == 86400
    assert offline_refusal(p, amount_cents=1200, today_offline_cents=58900, cache_age_s=10,
                           auth_blocked=None) is not None
    assert offline_refusal(p, amount_cents=1200, today_offline_cents=0, cache_age_s=10, auth_blocked=None) is None
    never = offline_refusal(p, amount_cents=0, today_offline_cents=0, cache_age_s=None, auth_blocked=None)
    assert never is not None and never.code is OfflineRefusal.NEVER_SYNCED
    capped = offline_refusal(p, amount_cents=1200, today_offline_cents=58900, cache_age_s=10, auth_blocked=None)
    assert capped is not None and capped.code is OfflineRefusal.DAILY_CAP and capped.data == {"cap_cents": 60000}


def test_cache_changes_and_sold_here_marks(tmp_path: Path):
    db = Database(tmp_path / "c.sqlite3")
    cache = CacheStore(db)
    cache.replace_campaigns([{"id": "BOOST24", "name": "B", "face_value_cents": 1200, "sale_price_cents": 1000,
                              "valid_from": "2026-01-01", "valid_until": "2026-12-31", "merchant_ids": ["M1"],
                              "keys": [{"key_id": "K1", "public_key": "AAAA"}]}])
    assert cache.campaign("BOOST24").topup_cents == 200
    cache.apply_changes([{"serial": "000000000017", "campaign_id": "BOOST24", "state": "issued"}])
    with db.transaction() as conn:
        CacheStore.mark_sold_here_in(conn, "000000000017", "BOOST24", active=False)
    # an unrelated refresh (still issued centrally) keeps the local mark; activation centrally clears it
    cache.apply_changes([{"serial": "000000000017", "campaign_id": "BOOST24", "state": "issued"}])
    assert cache.voucher("000000000017").sold_here
    cache.apply_changes([{"serial": "000000000017", "campaign_id": "BOOST24", "state": "active"}])
    assert not cache.voucher("000000000017").sold_here
    assert cache.count() == 1
    db.close()


def test_outbox_keeps_order_and_states(tmp_path: Path):
    db = Database(tmp_path / "o.sqlite3")
    ob = OutboxStore(db)
    with db.transaction() as conn:
        a = ob.insert_in(conn, "k" * 10, "redeem", "1", {"code": "1", "body": {}}, 1)
        ob.insert_in(conn, "j" * 10, "void", "1", {"redemption_key": "k" * 10}, 2)
    assert [r.kind for r in ob.pending()] == ["redeem", "void"]
    with db.transaction() as conn:
        ob.set_state_in(conn, a, "conflict", {"error": "already_redeemed"})
    assert ob.by_key("k" * 10).state == "conflict" and ob.count_pending() == 1
    db.close()


def test_sync_loop_wakes_backs_off_and_stops_cleanly(tmp_path: Path):
    till = Till.open(tmp_path / "loop", token_provider=MemoryTokenProvider("x" * 20))
    till.settings.set("server_url", "http://127.0.0.1:9")  # discard port: connection refused, for real
    reports = []
    loop = SyncLoop(till.sync, interval=30, on_report=reports.append)
    loop.start()
    loop.wake()
    deadline = time.monotonic() + 20
    while len(reports) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    loop.stop()
    assert not loop.is_alive()
    assert reports and reports[0].unavailable and loop.failures >= 1
    delays = [loop.next_delay() for _ in range(20)]
    assert len(set(delays)) > 1  # jitter
    till.close()


def run_cli(home: Path, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--home", str(home), *args], cwd=str(REPO),
                          env=env or dict(os.environ), input=stdin, capture_output=True, text=True, timeout=60)


def test_cli_exit_codes_and_json_lines(tmp_path: Path, server, vouchers):
    home = tmp_path / "cli"
    base = {k: v for k, v in os.environ.items() if k != "POS_APP_TOKEN"}
    r = run_cli(home, "check", "000000000017", env=base)
    assert r.returncode == 2 and "configur" in r.stderr
    # token from POS_APP_TOKEN: the keyring is never touched (its backend here always fails)
    env = {**base, "POS_APP_TOKEN": server.token("merchant", 0),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    server.reset_ledger(server.token("merchant", 0))  # a fresh till file takes over the terminal
    r = run_cli(home, "configure", "--server", server.url, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["merchant"] == "Boulangerie Martin"
    r = run_cli(home, "check", "not a code", env=env)
    line = json.loads(r.stdout)
    assert r.returncode == 1 and line["verdict"] == "malformed" and line["mode"] in ("online", "offline")
    v = vouchers.take()
    r = run_cli(home, "redeem", v["code"], env=env)
    line = json.loads(r.stdout)
    assert r.returncode == 0 and line["verdict"] == "accepted" and line["amount_cents"] == 1200
    assert set(line) >= {"code", "verdict", "mode", "amount_cents", "message"}
    r = run_cli(home, "redeem", v["code"], env=env)
    assert r.returncode == 1 and json.loads(r.stdout)["verdict"] == "already_redeemed"
    r = run_cli(home, "sync", env=env)
    assert r.returncode == 0 and "pulled" in json.loads(r.stdout)
    r = run_cli(home, "void", env=env)  # voids the last live redemption (the rejected one is skipped)
    assert r.returncode == 0 and json.loads(r.stdout)["serial"] == v["serial"]
    assert run_cli(home, "void", env=env).returncode == 1  # nothing left to void
    # without a keyring backend and without POS_APP_TOKEN: a clear message, exit 2, no plaintext fallback
    nokr = {**base, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    server.reset_ledger(server.token("merchant", 0))
    r = run_cli(tmp_path / "nokr", "configure", "--server", server.url, env=nokr, stdin=server.token("merchant", 0))
    assert r.returncode == 2 and "trousseau" in r.stderr and server.token("merchant", 0) not in r.stderr


def test_the_tills_files_are_private(tmp_path: Path) -> None:
    """The till's database (and its WAL), its signing key and a folder it creates are its owner's only."""
    import stat

    from pos_app.services.books import load_or_create_key
    from pos_app.store.db import open_home

    old = os.umask(0o022)  # the usual umask: files would be world-readable by default
    try:
        home = tmp_path / "new" / "till"
        db = open_home(home)
        db.run(lambda c: c.execute("INSERT INTO settings(key, value) VALUES ('k', '1')"))
        load_or_create_key(home)
        mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in home.iterdir()}
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert mode and all(m == 0o600 for m in mode.values()), mode
        assert {"till.sqlite3", "till.sqlite3-wal"} <= set(mode)
        db.close()
        legacy = tmp_path / "legacy.sqlite3"
        legacy.touch(mode=0o644)
        Database(legacy).close()
        assert stat.S_IMODE(legacy.stat().st_mode) == 0o600  # tightened when an older file is opened
    finally:
        os.umask(old)


def test_sync_errors_are_typed_and_keep_their_cli_spelling() -> None:
    report = SyncReport(errors=[SyncError(SyncStage.UNAVAILABLE, "timeout"),
                                SyncError(SyncStage.LEDGER, "ledger_head_regressed", 7)])
    assert report.as_dict()["errors"] == ["unavailable:timeout", "ledger:ledger_head_regressed:7"]
    assert report.unavailable and not report.ok
    refused = SyncReport(errors=[SyncError(SyncStage.AUTH, "unauthorized")])
    assert not refused.unavailable and refused.as_dict()["errors"] == ["auth:unauthorized"]
