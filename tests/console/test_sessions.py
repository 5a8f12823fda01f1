"""Operator accounts and sessions on a real SQLite file, with an injected clock (no browser, no server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from voucher_server.console.auth import (
    LoginResult,
    add_operator,
    check_login,
    close_session,
    open_session,
    session_of,
    set_operator_enabled,
    touch_session,
)
from voucher_server.console.models import AuditEvent, OperatorRole
from voucher_server.db import Database, upgrade

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'console.sqlite3'}"
    upgrade(url)
    database = Database(url)
    with database.writing() as s:
        add_operator(s, "Ana@Scheme.example", "a long passphrase", OperatorRole.ADMIN)
    yield database
    database.dispose()


def test_idle_and_absolute_expiry(db: Database) -> None:
    with db.writing() as s:
        result, op = check_login(s, "ana@scheme.example ", "a long passphrase", now=T0)
        assert result is LoginResult.OK and op is not None
        token = open_session(s, op, now=T0)
    with db.reading() as s:
        me, stale = session_of(s, token, now=T0 + timedelta(seconds=30))
        assert me is not None and me.is_admin and not stale
        assert session_of(s, token, now=T0 + timedelta(minutes=59))[1]  # time to write last_seen_at
        assert session_of(s, token, now=T0 + timedelta(minutes=61))[0] is None  # idle too long
        assert session_of(s, token + "x", now=T0)[0] is None
    for hour in range(1, 12):  # active all day: the idle clock moves, the absolute limit stays
        with db.writing() as s:
            touch_session(s, token, now=T0 + timedelta(hours=hour))
    with db.reading() as s:
        assert session_of(s, token, now=T0 + timedelta(hours=11, minutes=30))[0] is not None
        assert session_of(s, token, now=T0 + timedelta(hours=12, minutes=1))[0] is None
    with db.writing() as s:
        close_session(s, token)
    with db.reading() as s:
        assert session_of(s, token, now=T0 + timedelta(hours=1))[0] is None


def test_a_disabled_operator_is_signed_out_at_once(db: Database) -> None:
    with db.writing() as s:
        _result, op = check_login(s, "ana@scheme.example", "a long passphrase", now=T0)
        assert op is not None
        token = open_session(s, op, now=T0)
        set_operator_enabled(s, "ana@scheme.example", False)
    with db.writing() as s:
        assert session_of(s, token, now=T0)[0] is None
        assert check_login(s, "ana@scheme.example", "a long passphrase", now=T0)[0] is LoginResult.BAD_CREDENTIALS
        set_operator_enabled(s, "ana@scheme.example", True)
        assert check_login(s, "ana@scheme.example", "a long passphrase", now=T0)[0] is LoginResult.OK


def test_lock_out_ends_after_its_time(db: Database) -> None:
    with db.writing() as s:
        for _ in range(4):
            assert check_login(s, "ana@scheme.example", "wrong", now=T0)[0] is LoginResult.BAD_CREDENTIALS
        assert check_login(s, "ana@scheme.example", "wrong", now=T0)[0] is LoginResult.LOCKED
        assert check_login(s, "ana@scheme.example", "a long passphrase", now=T0 + timedelta(minutes=14))[0] \
            is LoginResult.LOCKED
        assert check_login(s, "ana@scheme.example", "a long passphrase", now=T0 + timedelta(minutes=16))[0] \
            is LoginResult.OK
        actions = [e.action for e in s.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions == ["operator_set", "locked_out"]


def test_passwords_are_argon2_hashes_and_resettable(db: Database) -> None:
    from voucher_server.console.models import Operator

    with db.writing() as s:
        op = s.query(Operator).one()
        assert op.password_hash.startswith("$argon2id$") and "passphrase" not in op.password_hash
        add_operator(s, "ana@scheme.example", "another long one", OperatorRole.ACCOUNTANT)
        assert check_login(s, "ana@scheme.example", "a long passphrase", now=T0)[0] is LoginResult.BAD_CREDENTIALS
        result, again = check_login(s, "ana@scheme.example", "another long one", now=T0)
        assert result is LoginResult.OK and again is not None and again.role == "accountant"
    with pytest.raises(ValueError, match="e-mail"), db.writing() as s:
        add_operator(s, "not-an-email", "a long passphrase", OperatorRole.ADMIN)
    with pytest.raises(ValueError, match="at least 10"), db.writing() as s:
        add_operator(s, "bob@scheme.example", "short", OperatorRole.ADMIN)


def test_cookies_are_secure_outside_the_loopback(db: Database) -> None:
    """Behind the TLS proxy the host is the public name: every console cookie is Secure, HttpOnly, SameSite."""
    from fastapi.testclient import TestClient

    from voucher_server.app import create_app
    from voucher_server.config import Settings

    app = create_app(Settings(db_url=db.url, secret=None))
    with TestClient(app, base_url="https://vouchers.example.org") as client:
        form = client.get("/console/")
        assert "secure" in form.headers["set-cookie"].lower()
        token = form.text.split('name="csrf" value="')[1].split('"')[0]
        signed = client.post("/console/login", data={"csrf": token, "email": "ana@scheme.example",
                                                     "password": "a long passphrase"},
                             headers={"Origin": "https://vouchers.example.org"}, follow_redirects=False)
        assert signed.status_code == 303
        cookie = next(c for c in signed.headers.get_list("set-cookie") if c.startswith("vsc_session="))
        assert all(flag in cookie.lower() for flag in ("secure", "httponly", "samesite=strict", "path=/console"))
    app.state.db.dispose()
