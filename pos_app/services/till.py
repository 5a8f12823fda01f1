"""Composition root of one till: its stores, API client, identity, network state and use cases (redemptions,
sales, sync, books), each built once here and reached as ``till.<part>``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.timeutil import business_day, parse_utc_text, to_utc_text, utc_now

from ..api.client import ApiClient
from ..api.errors import ApiError, AuthError
from ..api.tokens import MemoryTokenProvider, TokenProvider, default_provider
from ..api.urls import InsecureUrl, check_server_url
from ..core.daybook import open_day_after
from ..store.cache import CacheStore
from ..store.closings import ClosingStore
from ..store.db import Connection, Database, default_home, open_home
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxStore
from ..store.settings import SettingKey, Settings
from .books import Books
from .context import ConfigError, ConfigProblem, new_key, test_pause
from .network import OFFLINE_HOLD_S, NetworkState, TillIdentity
from .policy import OfflinePolicy, effective_policy
from .redemption import RedemptionService
from .sale import SaleService
from .sync import SyncLoop, SyncService


class Till:
    """One till home: the one place its stores, API client, identity, network state and use cases (redemptions,
    sales, sync, books) are built. Every call blocks: the UI runs them in workers."""

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
        self._identity: TillIdentity | None = None
        self.network = NetworkState(self.settings, self.append)
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
        self._identity = None

    @property
    def identity(self) -> TillIdentity:
        """Who this till is for the central API, read from the settings once per change."""
        if self._identity is None:
            self._identity = TillIdentity.from_me(self.settings.get(SettingKey.ME))
        return self._identity

    @property
    def cashier(self) -> str:
        return str(self.settings.get(SettingKey.CASHIER) or "")

    @cached_property
    def books(self) -> Books:
        """Closings, reports and the archive of this till."""
        return Books(self.db, self.home, clock=self.clock)

    def policy(self) -> OfflinePolicy:
        return effective_policy(self.identity.offline_policy, self.settings.get(SettingKey.OWNER_POLICY))

    def set_owner_policy(self, **limits: Any) -> None:
        """The owner's tightenings (offline_allowed, max_offline_total_cents_per_day, max_cache_age_seconds)."""
        current = dict(self.settings.get(SettingKey.OWNER_POLICY) or {})
        current.update({k: v for k, v in limits.items() if k in ("offline_allowed", "max_offline_total_cents_per_day",
                                                                   "max_cache_age_seconds")})
        self.settings.set(SettingKey.OWNER_POLICY, current)
        self.append(EntryKind.CONFIG_CHANGE, data={"owner_policy": current})

    # --- background sync ---------------------------------------------------------------------------------

    def start_sync_loop(self, interval: float = 30.0, **kw: Any) -> Any:
        """Start the background sync (every ``interval`` s, at reconnect, on demand via ``loop.wake()``)."""
        loop = SyncLoop(self.sync, interval=interval, **kw)
        self.network.on_reconnect = loop.wake
        loop.start()
        return loop

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
                           kind=str(kind), till_id=self.identity.till_id, cashier=self.cashier, **fields)

    def append(self, kind: EntryKind, **fields: Any) -> LedgerEntry:
        return self.ledger.append(self.entry(kind, **fields))

    def today_offline_cents(self, conn: Connection | None = None) -> int:
        """Face value accepted offline today (pending or confirmed; not rejected, conflicting or voided)."""
        day = business_day(self.clock()).isoformat()
        if conn is not None:
            return LedgerStore.offline_redeemed_cents_in(conn, day)
        with self.db.reading() as c:
            return LedgerStore.offline_redeemed_cents_in(c, day)


# ConfigError, ConfigProblem and new_key live in .context (the use cases raise and use them too), the hold in
# .network; named here for the callers of the till.
__all__ = ["OFFLINE_HOLD_S", "ConfigError", "ConfigProblem", "Till", "new_key", "test_pause"]
