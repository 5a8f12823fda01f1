"""Terminals as the operator manages them: disabling one takes effect on its very next request.

No process needs telling: the token cache (deps.Authenticator) is only used by the two hot routes, whose own
statements check ``terminals.enabled`` again (store.py); every other route looks the token up each time.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

import anyio.to_thread
from sqlalchemy import and_, case, update

from voucher_core.claims import OUTAGE_GAP
from voucher_core.timeutil import utc_now

from ..db import Database
from ..models import Terminal


class UnknownTerminal(LookupError):
    """No terminal with that id."""


def set_terminal_enabled(db: Database, terminal_id: int, enabled: bool) -> bool:
    """Enable or disable a terminal; True when its state changed. Raises UnknownTerminal."""
    with db.writing() as s:
        t = s.get(Terminal, terminal_id)
        if t is None:
            raise UnknownTerminal(terminal_id)
        changed = t.enabled != enabled
        t.enabled = enabled
    return changed


NOTE_EVERY = 60.0  # seconds between two writes of a terminal's last contact, per server process


class Contacts:
    """Notes each terminal's last online contact in ``terminals.last_online_at``, at most every NOTE_EVERY s."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._noted: dict[int, float] = {}
        self._lock = threading.Lock()

    def _due(self, terminal_id: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._noted.get(terminal_id, -1e9) < NOTE_EVERY:
                return False
            if len(self._noted) > 100_000:
                self._noted.clear()
            self._noted[terminal_id] = now
            return True

    def note_now(self, terminal_id: int) -> None:
        """From a worker thread."""
        if self._due(terminal_id):
            self._write(terminal_id)

    async def note(self, terminal_id: int) -> None:
        """From the event loop: a write once a minute at most, in a worker thread."""
        if self._due(terminal_id):
            await anyio.to_thread.run_sync(self._write, terminal_id)

    def _write(self, terminal_id: int, now: datetime | None = None) -> None:
        now = now or utc_now()
        # A silence longer than OUTAGE_GAP since the last contact was an outage: remember when it began and ended
        # (SET reads the row as it was, on SQLite and PostgreSQL alike).
        gap = and_(Terminal.last_online_at.is_not(None), Terminal.last_online_at < now - OUTAGE_GAP)
        with self.db.writing() as s:
            s.execute(update(Terminal).where(Terminal.id == terminal_id).values(
                outage_since=case((gap, Terminal.last_online_at), else_=Terminal.outage_since),
                outage_until=case((gap, now), else_=Terminal.outage_until),
                last_online_at=now))
