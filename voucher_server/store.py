"""The redemption hot path's storage: read what a redemption needs in one query, then write it in one atomic step.

The API decides (the core's ``judge``) between the read and the write; the write is conditional on the voucher
still being active, so a redemption that lost a race finds nothing to write and the caller reads and judges
again. Two implementations with one interface:

- ``PgStore``: asyncpg on PostgreSQL, one round trip for the read and one single-statement transaction for the
  write (no BEGIN/COMMIT round trips, no ORM). This is what carries a scheme's peak.
- ``SqlStore``: SQLAlchemy in a worker thread, for SQLite (demo, tests) where there is one writer anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from sqlalchemy import CursorResult, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import admin
from .db import Database, aware, is_sqlite
from .models import Activity, IdempotentRequest, Merchant, Terminal, Voucher

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger("voucher_server")


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The answer given the first time an idempotency key was used, for an exact replay."""

    fingerprint: str
    status: int
    body: str


@dataclass(frozen=True, slots=True)
class VoucherRow:
    """A voucher as the redemption rules need it."""

    serial: str
    campaign_id: str
    state: str
    redeemed_at: datetime | None
    redeemed_by_name: str | None
    paid_cents: int | None  # what its buyer paid (None: sold before it was recorded, the campaign's price)


@dataclass(frozen=True, slots=True)
class Lookup:
    prior: StoredAnswer | None
    voucher: VoucherRow | None
    terminal_enabled: bool  # read in the same query: a disabled terminal is refused on its very next request


@dataclass(frozen=True, slots=True)
class Redemption:
    """An accepted redemption to write, if the voucher is still active in ``campaign_id``."""

    serial: str
    campaign_id: str
    terminal_id: int
    merchant_id: str
    amount_cents: int
    idempotency_key: str
    fingerprint: str
    client_time: datetime
    server_time: datetime
    business_time: datetime
    offline: bool
    business_day: date
    # The amount is the value of the day for a buyer who paid ``paid_cents`` (core Campaign.value_on); the write
    # happens only if the voucher's row says so (NULL counting as ``sale_price_cents``, the campaign's price).
    paid_cents: int
    sale_price_cents: int


Render = Callable[[int], str]
"""Builds the response body once the redemption's activity id is known (stored for replay, then sent)."""


class SqlStore:
    """SQLAlchemy implementation (SQLite, or any database), run in worker threads."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(self) -> None:
        """Nothing to open: the engine's pool is lazy."""

    async def close(self) -> None:
        """The engine is disposed with the Database."""

    async def lookup(self, terminal_id: int, key: str | None, serial: str) -> Lookup:
        """The stored answer for (terminal, key), if any, the voucher with its redeeming shop's name, and whether
        the terminal is enabled."""
        return await anyio.to_thread.run_sync(self._lookup, terminal_id, key, serial)

    async def save_answer(self, terminal_id: int, key: str, fingerprint: str, status: int, body: str,
                          now: datetime) -> bool:
        """Store a refusal for replay; False when the key was taken meanwhile (the caller looks it up again)."""
        return await anyio.to_thread.run_sync(self._save_answer, terminal_id, key, fingerprint, status, body, now)

    async def redeem(self, r: Redemption, render: Render) -> str | None:
        """Write the redemption atomically; the body sent, or None when the voucher or key changed meanwhile."""
        return await anyio.to_thread.run_sync(self._redeem, r, render)

    async def voucher(self, serial: str) -> VoucherRow | None:
        """The voucher with its redeeming shop's name (a holder's page), or None."""
        return await anyio.to_thread.run_sync(self._voucher, serial)

    def _lookup(self, terminal_id: int, key: str | None, serial: str) -> Lookup:
        with self.db.reading() as s:
            prior = None
            enabled = bool(s.scalar(select(Terminal.enabled).where(Terminal.id == terminal_id)))
            if key is not None:
                rec = s.get(IdempotentRequest, (terminal_id, key))
                if rec is not None:
                    prior = StoredAnswer(rec.fingerprint, rec.response_status, rec.response_body)
            voucher = _voucher_row(s, serial)
        return Lookup(prior, voucher, enabled)

    def _voucher(self, serial: str) -> VoucherRow | None:
        with self.db.reading() as s:
            return _voucher_row(s, serial)

    def _save_answer(self, terminal_id: int, key: str, fingerprint: str, status: int, body: str,
                     now: datetime) -> bool:
        try:
            with self.db.writing() as s:
                s.add(IdempotentRequest(terminal_id=terminal_id, idempotency_key=key, fingerprint=fingerprint,
                                        response_status=status, response_body=body, created_at=now))
        except IntegrityError:
            return False
        return True

    def _redeem(self, r: Redemption, render: Render) -> str | None:
        try:
            with self.db.writing() as s:
                if s.get(IdempotentRequest, (r.terminal_id, r.idempotency_key)) is not None:
                    return None
                if not s.scalar(select(Terminal.enabled).where(Terminal.id == r.terminal_id)):
                    return None  # the caller's lookup finds the terminal disabled
                act = Activity(kind="redeem", serial=r.serial, campaign_id=r.campaign_id, terminal_id=r.terminal_id,
                               merchant_id=r.merchant_id, amount_cents=r.amount_cents,
                               idempotency_key=r.idempotency_key, client_time=r.client_time,
                               server_time=r.server_time, business_time=r.business_time, offline=r.offline,
                               business_day=r.business_day)
                s.add(act)
                s.flush()
                # The atomic step: only one transaction can move this voucher from active to redeemed.
                result = s.execute(update(Voucher).where(and_(
                    Voucher.serial == r.serial, Voucher.state == "active", Voucher.campaign_id == r.campaign_id,
                    func.coalesce(Voucher.paid_cents, r.sale_price_cents) == r.paid_cents))
                                 .values(state="redeemed", redemption_id=act.id, redeemed_at=r.server_time,
                                         redeemed_by=r.merchant_id, change_seq=admin.change_stamp(s)))
                if not isinstance(result, CursorResult) or result.rowcount != 1:
                    raise _Lost
                body = render(act.id)
                s.add(IdempotentRequest(terminal_id=r.terminal_id, idempotency_key=r.idempotency_key,
                                        fingerprint=r.fingerprint, response_status=200, response_body=body,
                                        activity_id=act.id, created_at=r.server_time))
            return body
        except (_Lost, IntegrityError):
            return None


class _Lost(Exception):
    """The voucher changed under us: roll back."""


def _voucher_row(s: Session, serial: str) -> VoucherRow | None:
    row = s.execute(select(Voucher.serial, Voucher.campaign_id, Voucher.state, Voucher.redeemed_at, Merchant.name,
                           Voucher.paid_cents)
                    .outerjoin(Merchant, Merchant.id == Voucher.redeemed_by)
                    .where(Voucher.serial == serial)).first()
    return VoucherRow(row[0], row[1], row[2], aware(row[3]), row[4], row[5]) if row is not None else None


# --- PostgreSQL -----------------------------------------------------------------------------------------------

_PG_LOOKUP = """
SELECT i.fingerprint, i.response_status, i.response_body, v.serial, v.campaign_id, v.state, v.redeemed_at, m.name,
       coalesce(t.enabled, false), v.paid_cents
FROM (SELECT 1) AS one
LEFT JOIN terminals AS t ON t.id = $1
LEFT JOIN idempotent_requests AS i ON i.terminal_id = $1 AND i.idempotency_key = $2
LEFT JOIN vouchers AS v ON v.serial = $3
LEFT JOIN merchants AS m ON m.id = v.redeemed_by
"""

# One statement, so one implicit transaction: the voucher moves from active to redeemed only if it still is
# active in that campaign, and the activity and the stored answer are written only if it did. The change number
# is this transaction's id (see admin.change_stamp): no shared counter row for every redemption to queue on.
# The amount ($7) was computed for a buyer who paid $16: written only if the row agrees (NULL = the campaign's
# price $15), else nothing is written and the caller reads the voucher and computes it again.
_PG_REDEEM = """
WITH v AS (
    UPDATE vouchers SET state = 'redeemed', redemption_id = $1, redeemed_at = $2, redeemed_by = $3,
                        change_seq = pg_current_xact_id()::text::bigint
    WHERE serial = $4 AND state = 'active' AND campaign_id = $5 AND coalesce(paid_cents, $15) = $16
      AND EXISTS (SELECT 1 FROM terminals WHERE id = $6 AND enabled)
    RETURNING serial
), a AS (
    INSERT INTO activities (id, kind, serial, campaign_id, terminal_id, merchant_id, amount_cents, sale_price_cents,
                            topup_cents, idempotency_key, client_time, server_time, business_time, offline,
                            business_day)
    SELECT $1, 'redeem', v.serial, $5, $6, $3, $7, 0, 0, $8, $9, $2, $10, $11, $14 FROM v
    RETURNING id
)
INSERT INTO idempotent_requests (terminal_id, idempotency_key, fingerprint, response_status, response_body,
                                 activity_id, created_at)
SELECT $6, $8, $12, 200, $13, a.id, $2 FROM a
RETURNING activity_id
"""

_PG_VOUCHER = """
SELECT v.serial, v.campaign_id, v.state, v.redeemed_at, m.name, v.paid_cents
FROM vouchers AS v LEFT JOIN merchants AS m ON m.id = v.redeemed_by
WHERE v.serial = $1
"""

_PG_SAVE_ANSWER = """
INSERT INTO idempotent_requests (terminal_id, idempotency_key, fingerprint, response_status, response_body,
                                 created_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1
"""

ID_BLOCK = 64


class PgStore:
    """asyncpg implementation for PostgreSQL; a pool per server process, opened in the app's lifespan."""

    def __init__(self, url: str, pool_size: int = 12) -> None:
        # SQLAlchemy URLs name the driver (postgresql+psycopg://); asyncpg wants the plain scheme.
        self.dsn = "postgresql://" + url.split("://", 1)[1]
        self.pool_size = pool_size
        self.pool: asyncpg.Pool | None = None
        self._ids: list[int] = []
        self._ids_lock = asyncio.Lock()

    async def start(self) -> None:
        """Open the connection pool (inside the running event loop)."""
        import asyncpg  # the server's dependency only: the till's bundle never loads this module's PG side

        # No reset query on release: these connections never hold a transaction, cursor, LISTEN or SET between
        # calls, and asyncpg's default reset is one more round trip per statement.
        # command_timeout: a stuck database answers 500 after 10 s instead of holding the till's request forever
        # (the till retries with the same idempotency key).
        self.pool = await asyncpg.create_pool(self.dsn, min_size=self.pool_size, max_size=self.pool_size,
                                              reset=_keep_session, command_timeout=10)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def _run(self, fetch: str, sql: str, *args: Any) -> Any:
        """``pool.<fetch>(sql, *args)``, once more on a fresh connection if the database dropped this one mid-call.

        Safe for every statement here because a repeat changes nothing twice: a read; a conditional redemption
        that, if the first attempt did commit, finds the voucher already redeemed; an insert that finds its key
        taken. The caller then reads the outcome back.
        """
        import asyncpg

        assert self.pool is not None
        try:
            return await getattr(self.pool, fetch)(sql, *args)
        # InternalClientError: what asyncpg raises when the server's "terminating connection" arrived while the
        # connection sat idle in the pool ("cannot switch to state ..."): a dead connection as well.
        except (asyncpg.ConnectionDoesNotExistError, asyncpg.AdminShutdownError, asyncpg.InterfaceError,
                asyncpg.InternalClientError, ConnectionError) as exc:
            log.warning("database connection lost (%s); trying once more on a fresh one", type(exc).__name__)
            # Whatever dropped this one (a restart, a proxy) most likely dropped its siblings too: replace them
            # all, so the retry does not pick another dead one.
            await self.pool.expire_connections()
            return await getattr(self.pool, fetch)(sql, *args)

    async def lookup(self, terminal_id: int, key: str | None, serial: str) -> Lookup:
        row = await self._run("fetchrow", _PG_LOOKUP, terminal_id, key, serial)
        prior = StoredAnswer(row[0], row[1], row[2]) if row[0] is not None else None
        voucher = VoucherRow(row[3], row[4], row[5], row[6], row[7], row[9]) if row[3] is not None else None
        return Lookup(prior, voucher, row[8])

    async def voucher(self, serial: str) -> VoucherRow | None:
        row = await self._run("fetchrow", _PG_VOUCHER, serial)
        return VoucherRow(row[0], row[1], row[2], row[3], row[4], row[5]) if row is not None else None

    async def save_answer(self, terminal_id: int, key: str, fingerprint: str, status: int, body: str,
                          now: datetime) -> bool:
        return await self._run("fetchval", _PG_SAVE_ANSWER, terminal_id, key, fingerprint, status, body, now) == 1

    async def redeem(self, r: Redemption, render: Render) -> str | None:
        import asyncpg

        activity_id = await self._next_activity_id()
        body = render(activity_id)
        try:
            written = await self._run(
                "fetchval", _PG_REDEEM, activity_id, r.server_time, r.merchant_id, r.serial, r.campaign_id,
                r.terminal_id, r.amount_cents, r.idempotency_key, r.client_time, r.business_time, r.offline,
                r.fingerprint, body, r.business_day, r.sale_price_cents, r.paid_cents)
        except asyncpg.UniqueViolationError:
            return None  # the same key was used by a concurrent request: the caller replays or refuses it
        return body if written is not None else None

    async def _next_activity_id(self) -> int:
        # Ids come from the activities sequence in blocks: the response body (stored for replay in the same
        # statement) carries the id, so it must be known before the write. Unused ids leave gaps, as sequences do.
        async with self._ids_lock:
            if not self._ids:
                rows = await self._run("fetch", "SELECT nextval(pg_get_serial_sequence('activities', 'id')) "
                                       "FROM generate_series(1, $1)", ID_BLOCK)
                self._ids = [r[0] for r in reversed(rows)]
            return self._ids.pop()


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Pool release hook: nothing to undo (see PgStore.start)."""


Store = SqlStore | PgStore
"""Either store: the API and the holders' pages use only the methods both have."""


def open_store(db: Database) -> Store:
    """The store for this database: asyncpg on PostgreSQL, SQLAlchemy threads otherwise."""
    return SqlStore(db) if is_sqlite(db.url) else PgStore(db.url)
