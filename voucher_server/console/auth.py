"""Operator accounts: Argon2 password hashes, lock-out after repeated failures, database-backed sessions.

Sessions live in the database (not in process memory) because `serve` runs one process per CPU on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from voucher_core.timeutil import utc_now

from ..db import aware
from .audit import AuditAction, record
from .models import ConsoleSession, Operator, OperatorRole

MAX_FAILURES = 5  # consecutive wrong passwords before the account is locked
LOCK_TIME = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(hours=1)
MAX_AGE = timedelta(hours=12)  # a session ends at the latest after a working day
SEEN_GRANULARITY = timedelta(minutes=1)  # last_seen_at is written at most once a minute per session
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class LoginResult(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The operator behind a valid session cookie."""

    operator_id: int
    email: str
    role: OperatorRole
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role is OperatorRole.ADMIN


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def add_operator(session: Session, email: str, password: str, role: OperatorRole) -> Operator:
    """A new operator, or a new password and role for an existing one (the CLI is also the reset path)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise ValueError("e-mail address expected")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    op = session.scalar(select(Operator).where(Operator.email == email))
    before = "" if op is None else f"role={op.role}"
    if op is None:
        op = Operator(email=email, created_at=utc_now(), enabled=True)
        session.add(op)
    op.password_hash, op.role, op.failed_logins, op.locked_until = _hasher.hash(password), role.value, 0, None
    session.flush()
    record(session, None, "cli", AuditAction.OPERATOR_SET, f"operator:{email}", before, f"role={role.value}")
    return op


def set_operator_enabled(session: Session, email: str, enabled: bool) -> None:
    """Disable (someone leaving) or re-enable an account; disabling also ends its sessions at once."""
    op = session.scalar(select(Operator).where(Operator.email == normalise_email(email)))
    if op is None:
        raise ValueError(f"no operator {normalise_email(email)}")
    if not enabled:
        session.execute(delete(ConsoleSession).where(ConsoleSession.operator_id == op.id))
    if op.enabled != enabled:
        op.enabled = enabled
        record(session, None, "cli", AuditAction.OPERATOR_SET, f"operator:{op.email}", f"enabled={not enabled}",
               f"enabled={enabled}")


def check_login(session: Session, email: str, password: str, now: datetime | None = None
                ) -> tuple[LoginResult, Operator | None]:
    """Verify a login attempt; counts failures and locks the account after MAX_FAILURES in a row."""
    now = now or utc_now()
    op = session.scalar(select(Operator).where(Operator.email == normalise_email(email)).with_for_update())
    if op is None or not op.enabled:
        _verify(_DUMMY_HASH, password)
        return LoginResult.BAD_CREDENTIALS, None
    locked_until = aware(op.locked_until)
    if locked_until is not None and locked_until > now:
        return LoginResult.LOCKED, op
    if not _verify(op.password_hash, password):
        op.failed_logins += 1
        if op.failed_logins >= MAX_FAILURES:
            op.locked_until, op.failed_logins = now + LOCK_TIME, 0
            record(session, op.id, op.email, AuditAction.LOCKED_OUT, f"operator:{op.email}", "",
                   f"until={op.locked_until.isoformat()}")
            return LoginResult.LOCKED, op
        return LoginResult.BAD_CREDENTIALS, op
    op.failed_logins, op.locked_until = 0, None
    if _hasher.check_needs_rehash(op.password_hash):
        op.password_hash = _hasher.hash(password)
    return LoginResult.OK, op


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def open_session(session: Session, op: Operator, now: datetime | None = None) -> str:
    """A new session for ``op``; returns the cookie's token (only its hash is stored)."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_hash=token_digest(token), operator_id=op.id,
                               csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now))
    # Old sessions of anyone are swept here rather than by a timer.
    session.execute(delete(ConsoleSession).where(ConsoleSession.last_seen_at < now - MAX_AGE))
    record(session, op.id, op.email, AuditAction.LOGIN, f"operator:{op.email}", "", "")
    return token


def session_of(session: Session, token: str | None, now: datetime | None = None) -> tuple[SignedIn | None, bool]:
    """The operator signed in with cookie ``token`` (None when unknown, idle too long, too old, or disabled), and
    whether its last_seen_at is stale enough to be written (see :func:`touch_session`)."""
    if not token or len(token) > 100:
        return None, False
    now = now or utc_now()
    row = session.execute(select(ConsoleSession, Operator).join(Operator, Operator.id == ConsoleSession.operator_id)
                          .where(ConsoleSession.token_hash == token_digest(token))).first()
    if row is None:
        return None, False
    cs, op = row
    seen, created = aware(cs.last_seen_at), aware(cs.created_at)
    assert seen is not None and created is not None
    if not op.enabled or now - seen > IDLE_TIMEOUT or now - created > MAX_AGE:
        return None, False
    return SignedIn(op.id, op.email, OperatorRole(op.role), cs.csrf_token), now - seen > SEEN_GRANULARITY


def touch_session(session: Session, token: str, now: datetime | None = None) -> None:
    """Move the session's idle clock (a page view reads; only this, at most once a minute, writes)."""
    session.execute(update(ConsoleSession).where(ConsoleSession.token_hash == token_digest(token))
                    .values(last_seen_at=now or utc_now()))


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_digest(token)))


def same_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
