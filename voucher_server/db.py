"""Engines, sessions and migrations. SQLite (demo) runs in WAL with a busy timeout and takes the write lock
up front (BEGIN IMMEDIATE) on write transactions so concurrent writers queue instead of failing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> str:
    """Accept postgresql:// and postgres:// as psycopg 3 URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, immediate: bool = False) -> Engine:
    """An engine for ``url``. For SQLite, ``immediate`` makes every transaction BEGIN IMMEDIATE (writers)."""
    url = normalise_url(url)
    if not is_sqlite(url):
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=10,
                           max_overflow=20)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (pysqlite's own is broken for this)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """A read engine and a write engine (the same one on PostgreSQL) with session factories."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.read_engine = make_engine(self.url)
        self.write_engine = make_engine(self.url, immediate=True) if is_sqlite(self.url) else self.read_engine
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        # SQLite has one writer at a time anyway; queueing our own threads on a lock is fairer and faster than
        # SQLite's busy handler, which sleeps and retries (other processes still go through busy_timeout).
        self._write_lock: AbstractContextManager[object] = threading.Lock() if is_sqlite(self.url) else nullcontext()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on error."""
        with self._write_lock, self._write() as session, session.begin():
            yield session

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load (PostgreSQL would otherwise guess row counts)."""
        if is_sqlite(self.url):
            with self.write_engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
            return
        with self.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the latest migration (creates it from empty)."""
    command.upgrade(alembic_config(url), "head")


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: everything is stored in UTC, so mark them UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
