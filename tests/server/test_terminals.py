"""Disabling a terminal: refused on its very next request, on every route and every server process; tokens are
only stored as their SHA-256."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from typing import Any

import requests
from sqlalchemy import create_engine, text

from voucher_server.db import Database, normalise_url
from voucher_server.services.terminals import set_terminal_enabled
from voucher_server.testing import REPO, LiveServer

from .conftest import Api

P = "/api/v1"


def terminal_id(db_url: str, token: str) -> int:
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as conn:
            digest = hashlib.sha256(token.encode()).hexdigest()
            return int(conn.execute(text("SELECT id FROM terminals WHERE token_hash = :h"), {"h": digest}).scalar_one())
    finally:
        engine.dispose()


def stored_answers(db_url: str) -> int:
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM idempotent_requests")).scalar_one())
    finally:
        engine.dispose()


def test_disabled_terminal_is_refused_on_its_next_request(api: Api) -> None:
    token, h = api.token(), api.h(api.token())
    serials = [v["serial"] for v in api.vouchers()[:4]]
    # Warm every cache: the token is known good, the campaigns are loaded.
    assert api.client.get(f"{P}/vouchers/{serials[0]}", headers=h).status_code == 200
    assert api.client.post(f"{P}/vouchers/{serials[0]}/redeem", headers=h,
                           json={"idempotency_key": "disable-key-0"}).status_code == 200
    tid = terminal_id(api.db_url, token)
    db = Database(api.db_url)
    try:
        assert set_terminal_enabled(db, tid, False) is True
        before = stored_answers(api.db_url)
        calls = [("POST", f"{P}/vouchers/{serials[1]}/redeem", {"idempotency_key": "disable-key-1"}),
                 ("GET", f"{P}/vouchers/{serials[1]}", None), ("GET", f"{P}/me", None),
                 ("GET", f"{P}/changes", None), ("GET", f"{P}/campaigns", None),
                 ("POST", f"{P}/vouchers/{serials[0]}/redeem", {"idempotency_key": "disable-key-0"})]
        for method, url, body in calls:
            r = api.client.request(method, url, headers=h, json=body)
            assert (r.status_code, r.json()["error"]["code"]) == (401, "unauthorized"), url
        assert stored_answers(api.db_url) == before  # nothing stored, nothing redeemed
        assert api.client.get(f"{P}/vouchers/{serials[1]}", headers=h).status_code == 401
        assert set_terminal_enabled(db, tid, False) is False  # already disabled
        assert set_terminal_enabled(db, tid, True) is True
        r = api.client.post(f"{P}/vouchers/{serials[1]}/redeem", headers=h, json={"idempotency_key": "disable-key-1"})
        assert r.status_code == 200
    finally:
        db.dispose()


def _cli(db_url: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "voucher_server.cli", *args, "--db", db_url], cwd=str(REPO),
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout.strip()


def test_cli_disable_reaches_every_worker_at_once(pg_server: Any) -> None:
    """Two server processes on PostgreSQL, each with the token cached: the next requests are all refused."""
    with LiveServer(pg_server(), workers=2, rate=1000, burst=1000) as srv:
        token = srv.token("merchant")
        tid = terminal_id(srv.db_url, token)
        serials = [v["serial"] for v in srv.seed["vouchers"] if v["state"] == "active" and v["campaign"] == "BOOST24"]
        s = requests.Session()
        h = {"Authorization": f"Bearer {token}"}
        for i in range(12):  # new connections land on both workers: both cache the token
            assert requests.get(f"{srv.url}{P}/vouchers/{serials[i]}", headers=h, timeout=10).status_code == 200
        assert _cli(srv.db_url, "disable-terminal", "--id", str(tid)) == f"terminal {tid}: disabled"
        for i in range(12):
            r = requests.post(f"{srv.url}{P}/vouchers/{serials[i]}/redeem", headers=h, timeout=10,
                              json={"idempotency_key": f"cli-disabled-{i}"})
            assert r.status_code == 401, r.text
        assert s.get(f"{srv.url}{P}/vouchers/{serials[0]}", headers=h, timeout=10).status_code == 401
        assert _cli(srv.db_url, "enable-terminal", "--id", str(tid)) == f"terminal {tid}: enabled"
        r = s.post(f"{srv.url}{P}/vouchers/{serials[0]}/redeem", headers=h, timeout=10,
                   json={"idempotency_key": "cli-enabled-0"})
        assert r.status_code == 200
        bad = subprocess.run([sys.executable, "-m", "voucher_server.cli", "disable-terminal", "--id", "99999",
                              "--db", srv.db_url], cwd=str(REPO), capture_output=True, text=True, timeout=120)
        assert bad.returncode != 0 and "no terminal 99999" in bad.stderr
        # Tokens at rest: only their SHA-256, never the token itself.
        engine = create_engine(normalise_url(srv.db_url))
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT token_hash FROM terminals")).scalars().all()
        finally:
            engine.dispose()
        assert hashlib.sha256(token.encode()).hexdigest() in rows and token not in rows
        assert all(len(r) == 64 for r in rows)
