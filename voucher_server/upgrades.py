"""Where a database stands among the Alembic migrations, and what an upgrade would do to it (``migrate
--dry-run``): the pending revisions and their SQL, without changing the database."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from .db import alembic_config, is_sqlite, normalise_url


@dataclass(frozen=True, slots=True)
class Revision:
    """One migration: its id and the first line of its docstring."""

    id: str
    title: str


def head_revision() -> str:
    """The newest migration of this version of the server."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "no migrations"
    return head


def known_revision(rev: str) -> bool:
    """Whether ``rev`` is one of this server's migrations (a newer server's is not)."""
    try:
        return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(rev) is not None
    except Exception:  # alembic raises for an unknown id
        return False


def not_at_head(command_name: str, url: str) -> str | None:
    """Why ``command_name`` must not run on this database (its schema is not this server's), or None."""
    current, head = current_revision(url), head_revision()
    if current == head:
        return None
    return (f"{command_name} : la base est à la migration {current or '(vide)'}, pas {head} : lancez "
            f"voucher-server migrate / the database is at migration {current or '(empty)'}, not {head}: run "
            "voucher-server migrate")


def current_revision_of(engine: Engine) -> str | None:
    """The migration the database is at (None: empty, never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def current_revision(url: str) -> str | None:
    """The database's migration, read without changing anything: a SQLite file is opened read-only (the server's
    engine would switch it to WAL) and one that does not exist is not created."""
    url = normalise_url(url)
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            if not Path(path).exists():
                return None
            url = f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true"
    engine = create_engine(url, poolclass=NullPool)
    try:
        return current_revision_of(engine)
    finally:
        engine.dispose()


def pending(current: str | None) -> list[Revision]:
    """The migrations an upgrade from ``current`` to the head runs, oldest first."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    lower = current or "base"
    revs = list(script.iterate_revisions("heads", lower))
    revs.reverse()
    return [Revision(r.revision, (r.doc or "").strip().splitlines()[0] if r.doc else "")
            for r in revs if r.revision != current]


MIGRATE_LOCK = 0x766F7563  # the advisory lock's key ("vouc"): any constant no other program of the database uses


def migrate(url: str) -> tuple[str | None, list[Revision]]:
    """Bring the database to the head; the migration it was at and those run. On PostgreSQL one migrator at a
    time: two hosts' migrate steps starting together would both create the tables; under a session advisory lock
    the second waits, then finds nothing to do. The lock's connection is in autocommit, so it is never "idle in a
    transaction" while a long migration runs (idle_in_transaction_session_timeout would end it)."""
    from .db import upgrade

    if is_sqlite(url):  # one writer anyway: SQLite's own lock queues a second migrator
        before = current_revision(url)
        upgrade(url)
        return before, pending(before)
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATE_LOCK})
            try:
                before = current_revision(url)  # read under the lock: what this migrator will really do
                todo = pending(before)
                upgrade(url)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATE_LOCK})
        return before, todo
    finally:
        engine.dispose()


def upgrade_sql(url: str, current: str | None) -> str:
    """The SQL an upgrade from ``current`` would run, without changing the database. PostgreSQL: Alembic's offline
    mode renders it (the database is not connected to). SQLite cannot be rendered offline (its batch mode reflects
    the tables it copies, 0005 computes a backfill from the rows), so the upgrade is rehearsed on a copy of the file
    and the statements it ran are shown."""
    if is_sqlite(url):
        return _rehearsed_sql(url)
    cfg = alembic_config(url)
    buffer = io.StringIO()
    cfg.output_buffer = buffer
    command.upgrade(cfg, f"{current}:head" if current else "head", sql=True)
    return buffer.getvalue()


def _rehearsed_sql(url: str) -> str:
    import sqlite3
    import tempfile

    from .db import upgrade

    source = make_url(normalise_url(url)).database
    lines: list[str] = []

    def capture(_conn: object, _cursor: object, statement: str, parameters: object, _context: object,
                _many: bool) -> None:
        if statement.lstrip().upper().startswith(("PRAGMA", "SELECT")):
            return  # reads: what the rehearsal looked at, not what it changed
        shown = statement.strip()
        if parameters:
            shown += f"  -- {parameters!r}"[:300]
        lines.append(shown + ";\n")

    with tempfile.TemporaryDirectory(prefix="voucher-dry-run-") as scratch:
        copy = Path(scratch) / "rehearsal.sqlite3"
        if source and source != ":memory:" and Path(source).exists():
            src = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True)
            dst = sqlite3.connect(copy)
            try:
                src.backup(dst)  # a consistent copy, even while the server writes
            finally:
                src.close()
                dst.close()
        event.listen(Engine, "before_cursor_execute", capture)
        try:
            upgrade(f"sqlite:///{copy}")
        finally:
            event.remove(Engine, "before_cursor_execute", capture)
    return "".join(lines)
