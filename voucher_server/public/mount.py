"""The one hook the server's wiring calls to serve the holders' pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ..services.context import Context
from . import routes
from .purchase import mount_purchase
from .web import HERE, build_state


def mount_public(app: FastAPI, ctx: Context) -> None:
    """Serve /v/<code> (a voucher's page), /p/... (where to spend it, buying online, static files) on ``app``."""
    app.state.public = build_state(ctx)
    app.include_router(routes.router)
    mount_purchase(app, ctx)
    app.mount("/p/static", StaticFiles(directory=HERE / "static"), name="public_static")
