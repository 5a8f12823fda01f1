"""The one hook the API's wiring calls to serve the console."""

from __future__ import annotations

from fastapi import FastAPI

from ..config import Settings
from ..db import Database
from .app import build_console


def mount_console(app: FastAPI, db: Database, settings: Settings) -> None:
    """Serve the console under /console on the API's ``app`` (its own error pages, HTML, cookies)."""
    app.mount("/console", build_console(db, settings))
