"""Key-value settings of a till (never the API token: that lives in the OS keyring)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from .db import Connection, Database


class SettingKey(StrEnum):
    """The keys the services keep (the UI's own preferences are :class:`UiSetting`)."""

    SERVER_URL = "server_url"
    ME = "me"  # what GET /me said of this till (terminal, merchant, roles, policy)
    CASHIER = "cashier"
    OWNER_POLICY = "owner_policy"
    AUTH_BLOCKED = "auth_blocked"
    CURSOR = "cursor"  # of /changes
    CACHE_SYNCED_UTC = "cache_synced_utc"
    LAST_SYNC_UTC = "last_sync_utc"
    CLOSINGS_REPORTED_SEQ = "closings_reported_seq"  # ledger seq of the last day closing the server acknowledged


class UiSetting(StrEnum):
    """The till's preferences the UI (and the CLI, for the language) keeps in the same table.

    Named here, next to :class:`SettingKey`, rather than in ``pos_app.ui``: the store owns the table, so every key
    a till file may hold is listed in one place (no two layers can pick the same name), and the headless commands
    read ``ui.lang`` without importing the UI. The store only names them; what they mean is the UI's business.
    The strings are those of existing till files: never change one.
    """

    CAMERA = "ui.camera"  # camera index or URL
    ROLE = "ui.role"  # which screen opens first: cashier or seller
    LANG = "ui.lang"  # fr / en
    SCANNER_GAP_MS = "ui.scanner_gap_ms"  # longest gap between a USB scanner's keystrokes
    AUTO_REDEEM = "ui.auto_redeem"  # redeem an accepted voucher without a second key press
    VOID_WINDOW_S = "ui.void_window_s"  # the owner's void window, when shorter than the operator's
    OWNER_PIN_HASH = "owner_pin_hash"  # salted PBKDF2 hash of the owner's PIN (never the PIN)


Key = SettingKey | UiSetting


class Settings:
    """Typed access to the ``settings`` table; values are stored as JSON."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: Key, default: Any = None) -> Any:
        with self.db.reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set(self, key: Key, value: Any) -> None:
        with self.db.transaction() as conn:
            self.set_in(conn, key, value)

    @staticmethod
    def set_in(conn: Connection, key: Key, value: Any) -> None:
        """Write one setting inside the caller's transaction (e.g. the sync cursor with the page it read)."""
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )

    def all(self) -> dict[str, Any]:
        with self.db.reading() as conn:
            return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM settings")}
