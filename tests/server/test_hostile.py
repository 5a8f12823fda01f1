"""Hostile input: every kind is answered 4xx with a stable code and changes nothing, on SQLite and PostgreSQL;
faults answer 500 with one log line and keep the connection; made-up tokens are slowed down."""

from __future__ import annotations

import hashlib
import http.client
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from voucher_server.db import normalise_url
from voucher_server.testing import LiveServer

from .conftest import Api

P = "/api/v1"
NINES = "9" * 32


def snapshot(db_url: str) -> str:
    """A digest of everything a request could change."""
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as conn:
            parts = [conn.execute(text(q)).all() for q in (
                "SELECT count(*) FROM activities", "SELECT count(*) FROM idempotent_requests",
                "SELECT serial, state, change_seq FROM vouchers ORDER BY serial",
                "SELECT id, enabled, ledger_head_seq, ledger_head_hash FROM terminals ORDER BY id")]
    finally:
        engine.dispose()
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One seeded server per database for the whole suite: the kinds only read, or are refused."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'server.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server")()
    api = Api(url, rate_per_second=1000, rate_burst=1000)
    yield api
    api.close()


def _kinds(api: Api) -> list[tuple[str, str, str, dict[str, str], Any, int, str]]:
    """(name, method, path, extra headers, body (JSON value, or bytes sent raw), status, code)."""
    active, issued = api.vouchers()[0]["serial"], api.vouchers("issued")[0]["serial"]
    redeem, activate = f"{P}/vouchers/{active}/redeem", f"{P}/vouchers/{issued}/activate"
    key = "hostile-key-1"
    raw = {"Content-Type": "application/json"}
    return [
        ("ledger year 9999", "GET", f"{P}/ledger?date=9999-12-31", {}, None, 422, "invalid_request"),
        ("ledger year 1", "GET", f"{P}/ledger?date=0001-01-01", {}, None, 422, "invalid_request"),
        ("ledger 30 February", "GET", f"{P}/ledger?date=2026-02-30", {}, None, 422, "invalid_request"),
        ("ledger no date", "GET", f"{P}/ledger", {}, None, 422, "invalid_request"),
        ("ledger injection", "GET", f"{P}/ledger?date=2026-01-01'%20OR%201=1--", {}, None, 422, "invalid_request"),
        ("cursor 32 nines", "GET", f"{P}/changes?cursor={NINES}", {}, None, 422, "invalid_request"),
        ("cursor 33 digits", "GET", f"{P}/changes?cursor=1{NINES}", {}, None, 422, "invalid_request"),
        ("cursor not a number", "GET", f"{P}/changes?cursor=abc", {}, None, 422, "invalid_request"),
        ("cursor negative", "GET", f"{P}/changes?cursor=-1", {}, None, 422, "invalid_request"),
        ("limit zero", "GET", f"{P}/changes?limit=0", {}, None, 422, "invalid_request"),
        ("limit huge", "GET", f"{P}/changes?limit=99999999999999999999", {}, None, 422, "invalid_request"),
        ("offline yes", "POST", redeem, {}, {"idempotency_key": key, "offline": "yes"}, 422, "invalid_request"),
        ("offline 1", "POST", redeem, {}, {"idempotency_key": key, "offline": 1}, 422, "invalid_request"),
        ("client_time words", "POST", redeem, {}, {"idempotency_key": key, "client_time": "hier"}, 422,
         "invalid_request"),
        ("client_time naive", "POST", redeem, {}, {"idempotency_key": key, "client_time": "2026-01-01T10:00:00",
                                                    "offline": True}, 422, "invalid_request"),
        ("client_time number", "POST", redeem, {}, {"idempotency_key": key, "client_time": 1700000000}, 422,
         "invalid_request"),
        ("key too short", "POST", redeem, {}, {"idempotency_key": "short"}, 422, "invalid_request"),
        ("key unicode", "POST", redeem, {}, {"idempotency_key": "clé-unicode-é"}, 422, "invalid_request"),
        ("key number", "POST", redeem, {}, {"idempotency_key": 123456789}, 422, "invalid_request"),
        ("key injection", "POST", redeem, {}, {"idempotency_key": "x'); DELETE FROM vouchers;--"}, 422,
         "invalid_request"),
        ("malformed JSON", "POST", redeem, raw, b"{not json", 400, "invalid_json"),
        ("JSON array", "POST", redeem, raw, b"[]", 422, "invalid_request"),
        ("JSON null", "POST", redeem, raw, b"null", 422, "invalid_request"),
        ("deep nesting", "POST", redeem, raw, b"[" * 5000 + b"]" * 5000, 400, "invalid_json"),
        ("NaN price", "POST", activate, raw, b'{"idempotency_key": "hostile-key-1", "sale_price_cents": NaN}',
         422, "invalid_request"),
        ("huge body", "POST", redeem, raw, b'{"idempotency_key": "' + b"k" * 20000 + b'"}', 413,
         "payload_too_large"),
        ("price as text", "POST", activate, {}, {"idempotency_key": key, "sale_price_cents": "1000"}, 422,
         "invalid_request"),
        ("price 1e20", "POST", activate, {}, {"idempotency_key": key, "sale_price_cents": 10**20}, 422,
         "invalid_request"),
        ("price negative", "POST", activate, {}, {"idempotency_key": key, "sale_price_cents": -1}, 422,
         "invalid_request"),
        ("price float", "POST", activate, {}, {"idempotency_key": key, "sale_price_cents": 1000.5}, 422,
         "invalid_request"),
        ("code injection", "POST", f"{P}/vouchers/1';DROP%20TABLE%20vouchers;--/redeem", {},
         {"idempotency_key": key}, 400, "malformed"),
        ("code fullwidth digits", "GET", f"{P}/vouchers/\uff10\uff10\uff10\uff10\uff14\uff12\uff10\uff10", {}, None,
         400, "malformed"),
        ("code emoji", "GET", f"{P}/vouchers/%F0%9F%92%B6%F0%9F%92%B6", {}, None, 400, "malformed"),
        ("code NUL", "GET", f"{P}/vouchers/0000%0042", {}, None, 400, "malformed"),
        ("code RTL override", "GET", f"{P}/vouchers/%E2%80%AE0000004200", {}, None, 400, "malformed"),
        ("code 600 chars", "GET", f"{P}/vouchers/{'7' * 600}", {}, None, 400, "malformed"),
        ("void id zero", "POST", f"{P}/redemptions/0/void", {}, {"idempotency_key": key}, 422, "invalid_request"),
        ("void id 2^70", "POST", f"{P}/redemptions/{2**70}/void", {}, {"idempotency_key": key}, 422,
         "invalid_request"),
        ("sale void id text", "POST", f"{P}/sales/abc/void", {}, {"idempotency_key": key}, 422, "invalid_request"),
        ("head hash not hex", "POST", f"{P}/terminals/me/ledger-head", {}, {"seq": 1, "hash": "z" * 64}, 422,
         "invalid_request"),
        ("head seq negative", "POST", f"{P}/terminals/me/ledger-head", {}, {"seq": -1, "hash": "a" * 64}, 422,
         "invalid_request"),
        ("head seq text", "POST", f"{P}/terminals/me/ledger-head", {}, {"seq": "1", "hash": "a" * 64}, 422,
         "invalid_request"),
        ("no token", "POST", redeem, {"Authorization": ""}, {"idempotency_key": key}, 401, "unauthorized"),
        ("basic auth", "GET", f"{P}/me", {"Authorization": "Basic dXNlcjpwYXNz"}, None, 401, "unauthorized"),
        ("token 300 chars", "GET", f"{P}/me", {"Authorization": "Bearer " + "t" * 300}, None, 401, "unauthorized"),
        ("token injection", "GET", f"{P}/me", {"Authorization": "Bearer ' OR 1=1 --"}, None, 401, "unauthorized"),
        ("oversized header", "GET", f"{P}/me", {"X-Padding": "p" * 20000}, None, 431, "headers_too_large"),
        ("method not allowed", "DELETE", f"{P}/vouchers/{active}", {}, None, 405, "method_not_allowed"),
        ("unknown path", "GET", f"{P}/../../etc/passwd", {}, None, 404, "not_found"),
        ("seller redeems", "POST", redeem, {"Authorization": "seller"}, {"idempotency_key": key}, 403, "forbidden"),
    ]


def test_hostile_inputs_are_4xx_with_stable_codes_and_change_nothing(hostile: Api) -> None:
    api = hostile
    kinds = _kinds(api)
    assert len(kinds) >= 30
    before = snapshot(api.db_url)
    for name, method, path, extra, body, status, code in kinds:
        headers = api.h(api.token()) | extra
        if extra.get("Authorization") == "seller":
            headers["Authorization"] = f"Bearer {api.token('seller')}"
        if isinstance(body, bytes):
            r = api.client.request(method, path, headers=headers, content=body)
        else:
            r = api.client.request(method, path, headers=headers, json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (name, r.text[:300])
        assert set(r.json()) == {"error"}, name
    assert snapshot(api.db_url) == before
    # The same connection serves a good request afterwards.
    assert api.client.get(f"{P}/me", headers=api.h(api.token())).status_code == 200


def test_made_up_tokens_are_rate_limited_per_client(tmp_path: Path) -> None:
    """The limiter is in the server process whatever the database: SQLite only (PostgreSQL adds nothing)."""
    api = Api(f"sqlite:///{tmp_path / 's.sqlite3'}", rate_per_second=1000, rate_burst=1000)
    try:
        statuses = [api.client.get(f"{P}/me", headers=api.h(f"made-up-token-{i}")).status_code for i in range(60)]
        assert statuses[:20] == [401] * 20
        assert statuses[-1] == 429 and statuses.count(429) >= 30
        r = api.client.get(f"{P}/me", headers=api.h("made-up-token-x"))
        assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1
    finally:
        api.close()


def test_a_fault_is_500_one_log_line_and_the_connection_stays_usable() -> None:
    """A real fault: the activities table renamed under the running server (SQLite file)."""
    with LiveServer(rate=1000, burst=1000) as srv:
        token = srv.token("merchant")
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        headers = {"Authorization": f"Bearer {token}"}
        conn.request("GET", f"{P}/me", headers=headers)
        assert conn.getresponse().read() and conn.sock is not None
        sock = conn.sock
        path = srv.db_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            db.execute("ALTER TABLE activities RENAME TO activities_gone")
        conn.request("GET", f"{P}/ledger?date=2026-11-23", headers=headers)
        r = conn.getresponse()
        assert r.status == 500 and json.loads(r.read())["error"]["code"] == "internal"
        conn.request("GET", f"{P}/health")
        r = conn.getresponse()
        assert r.status == 200 and r.read()
        assert conn.sock is sock  # the same keep-alive connection
        conn.request("GET", f"{P}/me", headers={"X-Padding": "p" * 20000} | headers)
        r = conn.getresponse()
        assert r.status == 431 and json.loads(r.read())["error"]["code"] == "headers_too_large"
        conn.close()
        log = srv.log_path.read_text(encoding="utf-8", errors="replace")
        assert len([line for line in log.splitlines() if "internal error" in line]) == 1, log[-3000:]
        assert "Traceback" not in log
