"""SQLite store of one till: offline cache, outbox, ledger, closings and settings, in one file per home."""

from .db import Connection, Database, StoreError, default_home, open_home

__all__ = ["Connection", "Database", "StoreError", "default_home", "open_home"]
