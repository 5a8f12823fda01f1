"""The till's SQLite file: connection rules, transactions and forward migrations by ``user_version``."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import platformdirs

DB_FILENAME = "till.sqlite3"

Connection = sqlite3.Connection
"""What a transaction hands to the store's ``*_in`` operations (services name it without importing sqlite3)."""


class StoreProblem(StrEnum):
    """Why the till's file could not be used (stable codes; the UI and the CLI have the words)."""

    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    LOCKED = "locked"
    CORRUPT = "corrupt"
    TOO_NEW = "too_new"  # written by a newer version of the app
    IO = "io"  # facts: detail


class StoreError(RuntimeError):
    """A local storage failure: a :class:`StoreProblem` ``code``, the ``facts`` its words need and an English
    message for developers. Nothing of the failed transaction was written."""

    def __init__(self, code: StoreProblem, message: str, **facts: object) -> None:
        super().__init__(message)
        self.code = code
        self.facts = facts


def store_error(exc: sqlite3.Error) -> StoreError:
    """Translate an SQLite error into a :class:`StoreError` (a code a user gets words for)."""
    text = str(exc).lower()
    if "full" in text or (isinstance(exc, sqlite3.OperationalError) and "disk i/o" in text and "space" in text):
        return StoreError(StoreProblem.DISK_FULL, f"disk full, nothing written: {exc}")
    if "readonly" in text or "read-only" in text:
        return StoreError(StoreProblem.READ_ONLY, f"till file is read-only, nothing written: {exc}")
    if "locked" in text or "busy" in text:
        return StoreError(StoreProblem.LOCKED, f"till file is busy: {exc}")
    if "malformed" in text or "not a database" in text:
        return StoreError(StoreProblem.CORRUPT, f"till file is damaged: {exc}")
    return StoreError(StoreProblem.IO, f"storage error, nothing written: {exc}", detail=str(exc))


# --- schema -------------------------------------------------------------------------------------------

_V1 = """
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE campaigns (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    face_value_cents  INTEGER NOT NULL CHECK (face_value_cents > 0),
    sale_price_cents  INTEGER NOT NULL CHECK (sale_price_cents >= 0),
    valid_from        TEXT NOT NULL,
    valid_until       TEXT NOT NULL,
    merchant_ids      TEXT NOT NULL DEFAULT '[]',
    updated_utc       TEXT NOT NULL
);
CREATE TABLE campaign_keys (
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    key_id      TEXT NOT NULL,
    public_key  BLOB NOT NULL,
    PRIMARY KEY (campaign_id, key_id)
);
CREATE TABLE vouchers (
    serial       TEXT PRIMARY KEY,
    campaign_id  TEXT NOT NULL,
    state        TEXT NOT NULL,
    redeemed_at  TEXT,
    redeemed_by  TEXT
) WITHOUT ROWID;
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    serial           TEXT,
    payload          TEXT NOT NULL,
    created_utc      TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    ledger_seq       INTEGER,
    result           TEXT
);
CREATE INDEX outbox_state ON outbox(state, id);
CREATE TABLE ledger (
    seq              INTEGER PRIMARY KEY,
    ts_utc           TEXT NOT NULL,
    business_day     TEXT NOT NULL,
    kind             TEXT NOT NULL,
    till_id          TEXT NOT NULL,
    cashier          TEXT NOT NULL,
    voucher          TEXT,
    campaign_id      TEXT,
    amount_cents     INTEGER NOT NULL,
    price_cents      INTEGER NOT NULL,
    topup_cents      INTEGER NOT NULL,
    mode             TEXT,
    idempotency_key  TEXT,
    ref_seq          INTEGER,
    data             TEXT NOT NULL,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
"""

_V2 = """
ALTER TABLE vouchers ADD COLUMN sold_here INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ledger_day ON ledger(business_day);
CREATE INDEX ledger_voucher ON ledger(voucher);
CREATE INDEX ledger_idem ON ledger(idempotency_key);
CREATE TABLE ledger_acks (
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    acked_utc  TEXT NOT NULL
);
CREATE TABLE closings (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('day', 'month', 'year')),
    period       TEXT NOT NULL,
    ledger_seq   INTEGER NOT NULL,
    created_utc  TEXT NOT NULL,
    totals       TEXT NOT NULL,
    UNIQUE (kind, period)
);
CREATE TRIGGER closings_no_update BEFORE UPDATE ON closings
BEGIN SELECT RAISE(ABORT, 'closings cannot be undone'); END;
CREATE TRIGGER closings_no_delete BEFORE DELETE ON closings
BEGIN SELECT RAISE(ABORT, 'closings cannot be undone'); END;
"""

# A campaign's temporary top-up: its last day (NULL: as long as the voucher).
_V3 = """
ALTER TABLE campaigns ADD COLUMN topup_until TEXT;
"""

# What each voucher's buyer paid, from the change feed (NULL: the campaign's sale price): after a temporary
# top-up ends the offline verdict values the voucher at it, as the server books it. The feed's cursor is dropped
# so the next sync pulls a full snapshot with it (the cache upserts; nothing else is lost).
_V4 = """
ALTER TABLE vouchers ADD COLUMN paid_cents INTEGER;
DELETE FROM settings WHERE key = 'cursor';
"""

# MIGRATIONS[i] brings a file from user_version i to i + 1. Only ever append.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring ``conn`` forward to :data:`SCHEMA_VERSION`, one version per transaction. Returns the old version."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(StoreProblem.TOO_NEW, f"till file at schema {version}, this app knows {SCHEMA_VERSION}")
    for target in range(version, SCHEMA_VERSION):
        # executescript commits first; wrap each step so a failure leaves the older version intact.
        conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[target]}\nPRAGMA user_version = {target + 1};\nCOMMIT;")
    return version


class Database:
    """One till's SQLite file: WAL, foreign keys, ``synchronous=FULL``; thread-safe behind one lock.

    Workers on several threads share it; each operation holds the lock only for its own statements.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            private_file(self.path)
        except OSError as exc:
            raise StoreError(StoreProblem.IO, f"till folder unusable: {self.path.parent} ({exc.strerror})",
                             detail=f"{self.path.parent} ({exc.strerror})") from exc
        try:
            self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        except sqlite3.Error as exc:
            raise store_error(exc) from exc
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            migrate(self.conn)
        except BaseException as exc:
            # Closing rolls back a half-done migration step: the file keeps its older version intact.
            self.conn.close()
            if isinstance(exc, sqlite3.Error):
                raise store_error(exc) from exc
            raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate write transaction: all of it is committed, or none of it."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise store_error(exc) from exc
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise store_error(exc) from exc
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        # SQLite may already have rolled back by itself (e.g. disk full).
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("ROLLBACK")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for reads, under the lock."""
        with self._lock:
            try:
                yield self.conn
            except sqlite3.Error as exc:
                raise store_error(exc) from exc

    def run(self, fn: Callable[[sqlite3.Connection], object]) -> object:
        """Run ``fn`` inside a transaction and return its result."""
        with self.transaction() as conn:
            return fn(conn)

    def integrity_problem(self) -> str | None:
        """What SQLite's ``PRAGMA integrity_check`` finds wrong in the file (its first line), or None."""
        with self.reading() as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        first = str(rows[0][0]) if rows else "no answer"
        return None if first == "ok" else first

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def private_dir(path: Path) -> None:
    """Create the folder ``path`` readable by its owner only (0700); an existing folder is left as it is (it may be
    one the user chose, shared with other things)."""
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=0o700, exist_ok=True)


def private_file(path: Path) -> None:
    """Make sure ``path`` exists with mode 0600 (its folder created 0700): the till's books are nobody else's
    business. SQLite gives its -wal and -shm files the mode of the database file."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            with contextlib.suppress(PermissionError):  # not ours to change: SQLite reports what it can do
                os.chmod(path, 0o600)  # a file created by an older version with the umask's mode


def default_home() -> Path:
    """The platform's per-user data folder for the till."""
    return Path(platformdirs.user_data_dir("pos-app", appauthor=False))


def open_home(home: Path | str | None) -> Database:
    """Open (and create or migrate) the store of the till home ``home`` (default: :func:`default_home`)."""
    base = Path(home) if home else default_home()
    return Database(base / DB_FILENAME)
