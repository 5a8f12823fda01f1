"""The FastAPI application: /api/v1 as specified in docs/api.md. Wiring only: the routes are in ``routes/``,
the rules in ``services/``, the dependencies in ``deps.py``, the errors in ``errors.py``."""

from __future__ import annotations

import gc
import inspect
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI

from .config import Settings
from .console.mount import mount_console
from .db import Database
from .deps import Authenticator, RateLimiter
from .hot_lane import HotLane
from .http_errors import install_handlers
from .middleware import RequestLimits
from .public.mount import mount_public
from .routes import books, campaigns, changes, ledger, terminals, voids, vouchers
from .services.campaigns import CampaignCache
from .services.context import Context
from .services.lookups import Guesses
from .services.terminals import Contacts
from .store import open_store

__all__ = ["CampaignCache", "create_app"]


def _lifespan(ctx: Context) -> Any:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Fewer worker threads than the default 40: less GIL convoy behind the one holding a row lock.
        anyio.to_thread.current_default_thread_limiter().total_tokens = ctx.settings.threads
        await ctx.store.start()
        # Everything loaded so far lives as long as the process: keep it out of the collector's full passes,
        # which otherwise walk it all and stall the event loop (and every request in flight) for tens of ms.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await ctx.store.close()

    return lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app (uvicorn factory). Settings from the environment unless given."""
    settings = settings or Settings.from_env()
    db = Database(settings.db_url)
    ctx = Context(settings=settings, db=db, store=open_store(db), campaigns=CampaignCache(db), contacts=Contacts(db),
                  guesses=Guesses(db))
    # FastAPI's built-in OpenTelemetry looks up the global providers on every request; nothing is configured to
    # receive its spans, so it is off (older FastAPI releases have no such option).
    quiet: dict[str, Any] = ({"telemetry": {"tracing": False, "metrics": False, "logs": False}}
             if "telemetry" in inspect.signature(FastAPI.__init__).parameters else {})
    app = FastAPI(title="Voucher central API", version="1", docs_url="/docs", redoc_url=None,
                  lifespan=_lifespan(ctx), **quiet)
    app.state.db = db
    app.state.settings = settings
    app.state.ctx = ctx
    app.state.auth = Authenticator(db, RateLimiter(settings.rate_per_second, settings.rate_burst))
    app.state.hot_lane = Counter[str]()
    # Added first, so inside RequestLimits: the header and body limits apply to the lane's requests too.
    app.add_middleware(HotLane, ctx=ctx, auth=app.state.auth, answered=app.state.hot_lane)
    app.add_middleware(RequestLimits, limit=settings.max_body_bytes)
    install_handlers(app)
    api = APIRouter(prefix="/api/v1")
    # Every till checks and redeems every voucher: the voucher routes are matched first (no path overlaps).
    for module in (vouchers, terminals, campaigns, voids, changes, ledger, books):
        api.include_router(module.router)
    app.include_router(api)
    mount_console(app, db, settings)
    mount_public(app, ctx)
    return app
