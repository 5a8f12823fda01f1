"""What the till knows of its link to the central API: who it is there (``TillIdentity``, from GET /me) and how
the network behaved lately (``NetworkState``: the offline hold after a failure, the block after a refused token).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.verdicts import Mode

from ..api.errors import ApiError
from ..store.settings import SettingKey, Settings

# After a network failure, verdicts go straight to the offline decision for this long (the sync loop probes).
OFFLINE_HOLD_S = 30.0
DEFAULT_VOID_WINDOW_S = 600


@dataclass(frozen=True, slots=True)
class TillIdentity:
    """The till as the central API knows it (settings ``me``, what GET /me said); empty before configuration."""

    merchant_id: str = ""
    merchant_name: str = ""
    siret: str = ""
    terminal_id: str = "?"
    terminal_name: str = ""
    roles: tuple[str, ...] = ()
    void_window_s: int = DEFAULT_VOID_WINDOW_S
    offline_policy: dict[str, Any] | None = None  # the operator's limits, before the owner's tightenings

    @classmethod
    def from_me(cls, me: dict[str, Any] | None) -> TillIdentity:
        me = me if isinstance(me, dict) else {}
        merchant, terminal = me.get("merchant") or {}, me.get("terminal") or {}
        return cls(merchant_id=str(merchant.get("id") or ""), merchant_name=str(merchant.get("name") or ""),
                   siret=str(merchant.get("siret") or ""), terminal_id=str(terminal.get("id", "?")),
                   terminal_name=str(terminal.get("name") or ""), roles=tuple(str(r) for r in me.get("roles") or ()),
                   void_window_s=int(me.get("void_window_seconds") or DEFAULT_VOID_WINDOW_S),
                   offline_policy=me.get("offline_policy"))

    @property
    def till_id(self) -> str:
        """The till's id in its ledger entries: ``<merchant id>/<terminal id>``."""
        return f"{self.merchant_id}/{self.terminal_id}" if self.merchant_id else "unconfigured"


class NetworkState:
    """The offline hold after a network failure and the auth block after a 401/403 (thread-safe).

    ``append`` writes a ledger entry: lifting or setting the auth block is recorded in the chain.
    """

    def __init__(self, settings: Settings, append: Callable[..., LedgerEntry]) -> None:
        self._settings = settings
        self._append = append
        self._lock = threading.Lock()
        self.last_failure: float | None = None  # monotonic time of the last network failure
        self.last_success: float | None = None
        self.on_reconnect: Callable[[], None] | None = None

    def auth_blocked(self) -> str | None:
        blocked: str | None = self._settings.get(SettingKey.AUTH_BLOCKED)
        return blocked

    def note_auth_failure(self, exc: ApiError) -> None:
        """401/403: stop offline acceptance until an authenticated call succeeds again (or a reconfiguration)."""
        if not self.auth_blocked():
            self._settings.set(SettingKey.AUTH_BLOCKED, exc.code)
            self._append(EntryKind.OFFLINE_SWITCH, data={"auth_blocked": exc.code})

    def _lift_auth_block(self) -> None:
        """The server just accepted the token (an answer other than 401/403): offline acceptance is back."""
        blocked = self.auth_blocked()
        if blocked:
            self._settings.set(SettingKey.AUTH_BLOCKED, None)
            self._append(EntryKind.OFFLINE_SWITCH, data={"auth_unblocked": blocked})

    def note(self, ok: bool) -> None:
        """A call reached the server and got an authenticated answer (ok), or could not reach it."""
        if ok:
            self._lift_auth_block()
        with self._lock:
            reconnected = ok and self.last_failure is not None
            if ok:
                self.last_success = time.monotonic()
                self.last_failure = None
            else:
                self.last_failure = time.monotonic()
        if reconnected and self.on_reconnect is not None:
            self.on_reconnect()  # e.g. wake the sync loop: push what was taken offline now

    def held_offline(self) -> bool:
        """True right after a network failure: verdicts do not make the cashier wait again."""
        with self._lock:
            return self.last_failure is not None and time.monotonic() - self.last_failure < OFFLINE_HOLD_S

    @property
    def mode(self) -> Mode:
        """Offline since the last network failure, until a call succeeds again."""
        return Mode.OFFLINE if self.last_failure is not None else Mode.ONLINE


__all__ = ["OFFLINE_HOLD_S", "NetworkState", "TillIdentity"]
