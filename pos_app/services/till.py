"""Composition root of one till: its store, API client and services (redemptions, sales, sync)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..api.client import ApiClient
from ..api.errors import ApiError, AuthError
from ..api.tokens import MemoryTokenProvider, TokenProvider, default_provider
from ..api.urls import InsecureUrl, check_server_url
from ..core.daybook import open_day_after
from ..core.ledger import EntryKind, LedgerEntry
from ..core.timeutil import business_day, parse_utc_text, to_utc_text, utc_now
from ..core.verdicts import Mode
from ..store.cache import CacheStore
from ..store.closings import ClosingStore
from ..store.db import Connection, Database, default_home, open_home
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxStore
from ..store.settings import SettingKey, Settings
from .context import ConfigError, ConfigProblem, new_key, test_pause
from .policy import OfflinePolicy, effective_policy
from .redemption import RedemptionService
from .sale import SaleService
from .sync import SyncLoop, SyncService

# After a network failure, verdicts go straight to the offline decision for this long (the sync loop probes).
OFFLINE_HOLD_S = 30.0


class Till:
    """One till home. Every call blocks: the UI runs them in workers."""

    def __init__(self, home: Path, db: Database, tokens: TokenProvider, clock: Callable[[], datetime]) -> None:
        self.home = home
        self.db = db
        self.tokens = tokens
        self.clock = clock
        self.settings = Settings(db)
        self.ledger = LedgerStore(db)
        self.cache = CacheStore(db)
        self.outbox = OutboxStore(db)
        self._api: ApiClient | None = None
        self._net_lock = threading.Lock()
        self.last_failure: float | None = None  # monotonic time of the last network failure
        self.last_success: float | None = None
        self.on_reconnect: Callable[[], None] | None = None
        self.redemptions = RedemptionService(self)
        self.sales = SaleService(self)
        self.sync = SyncService(self)

    @classmethod
    def open(cls, home: Path | None = None, *, token_provider: TokenProvider | None = None,
             clock: Callable[[], datetime] = utc_now) -> Till:
        """Open (creating if needed) the till kept under ``home``."""
        base = Path(home) if home else default_home()
        db = open_home(base)
        return cls(base, db, token_provider or default_provider(base), clock)

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
        self.db.close()

    # --- configuration -----------------------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        return bool(self.settings.get(SettingKey.SERVER_URL))

    @property
    def api(self) -> ApiClient:
        if self._api is None:
            url = self.settings.get(SettingKey.SERVER_URL)
            if not url:
                raise ConfigError(ConfigProblem.NOT_CONFIGURED)
            try:
                self._api = ApiClient(url, self.tokens)
            except InsecureUrl as exc:  # a file configured by an older version with plain http
                raise ConfigError(exc.code) from None
        return self._api

    def configure(self, server_url: str, token: str) -> dict[str, Any]:
        """Check ``token`` against ``server_url`` (GET /me), store the token and the till's identity."""
        token = token.strip()
        if not token:
            raise ConfigError(ConfigProblem.EMPTY_TOKEN)
        try:
            server_url = check_server_url(server_url)  # before any byte is sent: the token would travel in clear
        except InsecureUrl as exc:
            raise ConfigError(exc.code) from None
        probe = ApiClient(server_url, MemoryTokenProvider(token))
        try:
            me = probe.me()
        except AuthError as exc:
            raise ConfigError(ConfigProblem.TOKEN_REFUSED, exc.code) from None
        except ApiError as exc:
            raise ConfigError(ConfigProblem.SERVER_UNREACHABLE, exc.code) from None
        finally:
            probe.close()
        self.tokens.set(token)
        old = self.settings.get(SettingKey.SERVER_URL)
        self.settings.set(SettingKey.SERVER_URL, server_url.rstrip("/"))
        self.store_me(me)
        self.settings.set(SettingKey.AUTH_BLOCKED, None)
        if old and old.rstrip("/") != server_url.rstrip("/"):
            self.settings.set(SettingKey.CURSOR, None)  # another server: its cursors mean nothing here
        self.append(EntryKind.CONFIG_CHANGE, data={"server_url": server_url.rstrip("/"),
                                                   "merchant": me.get("merchant", {}).get("name"),
                                                   "terminal": me.get("terminal", {}).get("name")})
        if self._api is not None:
            self._api.close()
            self._api = None
        return me

    def store_me(self, me: dict[str, Any]) -> None:
        self.settings.set(SettingKey.ME, {k: me.get(k) for k in ("terminal", "merchant", "roles", "campaigns",
                                                          "offline_policy", "void_window_seconds")})

    @property
    def me(self) -> dict[str, Any]:
        return self.settings.get(SettingKey.ME) or {}

    @property
    def merchant_id(self) -> str:
        return str((self.me.get("merchant") or {}).get("id") or "")

    @property
    def merchant_name(self) -> str:
        return str((self.me.get("merchant") or {}).get("name") or "")

    @property
    def till_id(self) -> str:
        term = self.me.get("terminal") or {}
        return f"{self.merchant_id}/{term.get('id', '?')}" if self.merchant_id else "unconfigured"

    @property
    def roles(self) -> list[str]:
        return list(self.me.get("roles") or [])

    @property
    def cashier(self) -> str:
        return str(self.settings.get(SettingKey.CASHIER) or "")

    @property
    def void_window_s(self) -> int:
        return int(self.me.get("void_window_seconds") or 600)

    def policy(self) -> OfflinePolicy:
        return effective_policy(self.me.get("offline_policy"), self.settings.get(SettingKey.OWNER_POLICY))

    def set_owner_policy(self, **limits: Any) -> None:
        """The owner's tightenings (offline_allowed, max_offline_total_cents_per_day, max_cache_age_seconds)."""
        current = dict(self.settings.get(SettingKey.OWNER_POLICY) or {})
        current.update({k: v for k, v in limits.items() if k in ("offline_allowed", "max_offline_total_cents_per_day",
                                                                   "max_cache_age_seconds")})
        self.settings.set(SettingKey.OWNER_POLICY, current)
        self.append(EntryKind.CONFIG_CHANGE, data={"owner_policy": current})

    # --- network state -----------------------------------------------------------------------------------

    def auth_blocked(self) -> str | None:
        blocked: str | None = self.settings.get(SettingKey.AUTH_BLOCKED)
        return blocked

    def note_auth_failure(self, exc: ApiError) -> None:
        """401/403: stop offline acceptance until an authenticated call succeeds again (or a reconfiguration)."""
        if not self.auth_blocked():
            self.settings.set(SettingKey.AUTH_BLOCKED, exc.code)
            self.append(EntryKind.OFFLINE_SWITCH, data={"auth_blocked": exc.code})

    def _lift_auth_block(self) -> None:
        """The server just accepted the token (an answer other than 401/403): offline acceptance is back."""
        blocked = self.auth_blocked()
        if blocked:
            self.settings.set(SettingKey.AUTH_BLOCKED, None)
            self.append(EntryKind.OFFLINE_SWITCH, data={"auth_unblocked": blocked})

    def note_network(self, ok: bool) -> None:
        """A call reached the server and got an authenticated answer (ok), or could not reach it."""
        if ok:
            self._lift_auth_block()
        with self._net_lock:
            reconnected = ok and self.last_failure is not None
            if ok:
                self.last_success = time.monotonic()
                self.last_failure = None
            else:
                self.last_failure = time.monotonic()
        if reconnected and self.on_reconnect is not None:
            self.on_reconnect()  # e.g. wake the sync loop: push what was taken offline now

    def start_sync_loop(self, interval: float = 30.0, **kw: Any) -> Any:
        """Start the background sync (every ``interval`` s, at reconnect, on demand via ``loop.wake()``)."""
        loop = SyncLoop(self.sync, interval=interval, **kw)
        self.on_reconnect = loop.wake
        loop.start()
        return loop

    def held_offline(self) -> bool:
        """True right after a network failure: verdicts do not make the cashier wait again."""
        with self._net_lock:
            return self.last_failure is not None and time.monotonic() - self.last_failure < OFFLINE_HOLD_S

    @property
    def mode(self) -> Mode:
        """Offline since the last network failure, until a call succeeds again."""
        return Mode.OFFLINE if self.last_failure is not None else Mode.ONLINE

    def cache_age_s(self) -> float | None:
        synced = self.settings.get(SettingKey.CACHE_SYNCED_UTC)
        if not synced:
            return None
        return max(0.0, (self.clock() - parse_utc_text(synced)).total_seconds())

    # --- ledger helpers ----------------------------------------------------------------------------------

    def open_day(self, moment: datetime | None = None) -> str:
        """The open business day (YYYY-MM-DD): the Paris day, or after its closing the next day not closed. The
        till books every entry on it and sends it to the server with each operation."""
        now = moment or self.clock()
        return open_day_after(business_day(now), ClosingStore(self.db).day_seqs()).isoformat()

    def entry(self, kind: EntryKind, moment: datetime | None = None, **fields: Any) -> LedgerEntry:
        now = moment or self.clock()
        return LedgerEntry(seq=0, ts_utc=to_utc_text(now), business_day=self.open_day(now),
                           kind=str(kind), till_id=self.till_id, cashier=self.cashier, **fields)

    def append(self, kind: EntryKind, **fields: Any) -> LedgerEntry:
        return self.ledger.append(self.entry(kind, **fields))

    def today_offline_cents(self, conn: Connection | None = None) -> int:
        """Face value accepted offline today (pending or confirmed; not rejected, conflicting or voided)."""
        day = business_day(self.clock()).isoformat()
        if conn is not None:
            return LedgerStore.offline_redeemed_cents_in(conn, day)
        with self.db.reading() as c:
            return LedgerStore.offline_redeemed_cents_in(c, day)


# ConfigError, ConfigProblem and new_key live in .context (the use cases raise and use them too); named here
# for the callers of the till.
__all__ = ["OFFLINE_HOLD_S", "ConfigError", "ConfigProblem", "Till", "new_key", "test_pause"]
