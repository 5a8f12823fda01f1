"""Key-value settings of a till (never the API token: that lives in the OS keyring)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from .db import Connection, Database


class SettingKey(StrEnum):
    """The keys the services keep (the UI's own preferences are the ``ui.*`` keys)."""

    SERVER_URL = "server_url"
    ME = "me"  # what GET /me said of this till (terminal, merchant, roles, policy)
    CASHIER = "cashier"
    OWNER_POLICY = "owner_policy"
    AUTH_BLOCKED = "auth_blocked"
    CURSOR = "cursor"  # of /changes
    CACHE_SYNCED_UTC = "cache_synced_utc"
    LAST_SYNC_UTC = "last_sync_utc"
    CLOSINGS_REPORTED_SEQ = "closings_reported_seq"  # ledger seq of the last day closing the server acknowledged


class Settings:
    """Typed access to the ``settings`` table; values are stored as JSON."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        with self.db.reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set(self, key: str, value: Any) -> None:
        with self.db.transaction() as conn:
            self.set_in(conn, key, value)

    @staticmethod
    def set_in(conn: Connection, key: str, value: Any) -> None:
        """Write one setting inside the caller's transaction (e.g. the sync cursor with the page it read)."""
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )

    def all(self) -> dict[str, Any]:
        with self.db.reading() as conn:
            return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM settings")}
