"""Request dependencies: the server's Context, the authenticated Caller, rate limiting."""

from __future__ import annotations

import hmac
import threading
import time
from typing import Annotated, Any, NoReturn

import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy import select

from .crypto import token_hash
from .db import Database
from .errors import ApiError
from .models import Merchant
from .models import Terminal as TerminalRow
from .services.context import Caller, Context

__all__ = ["AUTH_CACHE_SECONDS", "Auth", "Authenticator", "Caller", "Ctx", "HotAuth", "RateLimiter", "UploadAuth"]

AUTH_CACHE_SECONDS = 5.0
REFUSED_RATE, REFUSED_BURST = 1.0, 20.0  # refused tokens per second (and in a burst) per client address


class RateLimiter:
    """Token bucket per token hash (per process: with N workers the effective limit is N times higher)."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # bad tokens must not grow memory without bound
                self._buckets.clear()
            return (1 - tokens) / self.rate if self.rate > 0 else 60.0

    def peek(self, key: str) -> float:
        """Like ``take`` without spending: 0 when a request would be allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            return 0.0
        return (1 - tokens) / self.rate if self.rate > 0 else 60.0


class Authenticator:
    """Bearer token -> Caller, with known good tokens cached briefly (saves a query per request)."""

    def __init__(self, db: Database, limiter: RateLimiter) -> None:
        self.db, self.limiter = db, limiter
        # Refused tokens, per client address: each made-up token has a fresh bucket of its own in ``limiter``,
        # so guessing is slowed here, before the database is asked about yet another one.
        self.refused = RateLimiter(REFUSED_RATE, REFUSED_BURST)
        self._cache: dict[str, tuple[Caller, float]] = {}

    async def authenticate(self, header: str, client: str = "", cached: bool = False) -> Caller:
        """The terminal of this Authorization header; ``client`` is the peer address (refusals are counted).

        ``cached``: a token known good in the last AUTH_CACHE_SECONDS is taken without a query. Only for routes
        whose own statement checks that the terminal is still enabled (the hot path, store.py).
        """
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or len(token) > 256:
            raise ApiError(401, "unauthorized")  # no database lookup to protect: not counted
        digest = token_hash(token.strip())
        wait = self.limiter.take(digest)
        if wait:
            raise ApiError(429, "rate_limited", retry_after=round(wait, 3))
        hit = self._cache.get(digest) if cached else None
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        wait = self.refused.peek(client)
        if wait:
            raise ApiError(429, "rate_limited", retry_after=round(wait, 3))
        row = await anyio.to_thread.run_sync(self._terminal_by_hash, digest)
        # The lookup is by hash; compare again in constant time so no early-exit comparison leaks anything.
        if row is None or not hmac.compare_digest(row[0].token_hash, digest) or not row[0].enabled:
            self._refuse(client)
        t, m = row
        who = Caller(t.id, t.name, m.id, m.name, m.siret, m.address, m.is_merchant, m.is_seller,
                     t.offline_allowed, t.max_offline_total_cents_per_day, t.max_cache_age_seconds)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (who, time.monotonic() + AUTH_CACHE_SECONDS)
        return who

    def _refuse(self, client: str) -> NoReturn:
        self.refused.take(client)
        raise ApiError(401, "unauthorized")

    def _terminal_by_hash(self, digest: str) -> Any:
        with self.db.reading() as s:
            return s.execute(select(TerminalRow, Merchant).join(Merchant, Merchant.id == TerminalRow.merchant_id)
                             .where(TerminalRow.token_hash == digest)).first()


async def context(request: Request) -> Context:
    return request.app.state.ctx  # type: ignore[no-any-return]


async def caller(request: Request) -> Caller:
    """The caller of a route that is always an online contact (noted for the offline claims' bounds)."""
    who = await upload_caller(request)
    ctx: Context = request.app.state.ctx
    await ctx.contacts.note(who.terminal_id)
    return who


async def upload_caller(request: Request) -> Caller:
    """The caller of a route that may carry an offline upload: its service notes the contact when online."""
    auth: Authenticator = request.app.state.auth
    return await auth.authenticate(request.headers.get("authorization", ""),
                                   request.client.host if request.client else "")


async def cached_caller(request: Request) -> Caller:
    auth: Authenticator = request.app.state.auth
    return await auth.authenticate(request.headers.get("authorization", ""),
                                   request.client.host if request.client else "", cached=True)


Ctx = Annotated[Context, Depends(context)]
Auth = Annotated[Caller, Depends(caller)]
UploadAuth = Annotated[Caller, Depends(upload_caller)]
HotAuth = Annotated[Caller, Depends(cached_caller)]
"""For the voucher look-up and redemption only: their store statements re-check ``terminals.enabled``."""
