"""Fast service tests: a real till home (SQLite file) configured as a sync would leave it, against a server that
is not there (an https URL to a closed port on 127.0.0.1: every call fails at once, for real), so every entry
is written by the till's own services, offline."""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.books import Books
from pos_app.services.till import Till
from pos_app.store.settings import SettingKey
from voucher_core.codes import make_serial, sign_code
from voucher_core.timeutil import to_utc_text

CAMPAIGN = "BOOST24"
FACE, PRICE = 1200, 1000  # cents: the funder's top-up is 200
MERCHANT = {"id": "M0001", "name": "Boulangerie Martin", "siret": "12345678900011"}
OPERATOR_POLICY = {"offline_allowed": True, "max_offline_total_cents_per_day": 6000, "max_cache_age_seconds": 86400}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Clock:
    """The till's clock, set by the test (aware UTC)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class Shop:
    """One configured till whose server is unreachable, and the vouchers its cache knows (signed codes)."""

    def __init__(self, home: Path, clock: Clock, *, roles: tuple[str, ...] = ("merchant",),
                 topup_until: str | None = None) -> None:
        self.clock = clock
        self.key = Ed25519PrivateKey.generate()
        self.till = Till.open(home, token_provider=MemoryTokenProvider("t" * 32), clock=clock)
        self.url = f"https://127.0.0.1:{closed_port()}"
        s = self.till.settings
        s.set(SettingKey.SERVER_URL, self.url)
        self.till.store_me({"merchant": MERCHANT, "terminal": {"id": 1, "name": "Caisse 1"}, "roles": list(roles),
                            "campaigns": [CAMPAIGN], "offline_policy": OPERATOR_POLICY, "void_window_seconds": 600})
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.till.cache.replace_campaigns([{
            "id": CAMPAIGN, "name": "Boost 2024", "face_value_cents": FACE, "sale_price_cents": PRICE,
            "valid_from": "2026-01-01", "valid_until": "2026-12-31", "merchant_ids": [MERCHANT["id"]],
            "topup_until": topup_until, "keys": [{"key_id": "K1", "public_key": base64.b64encode(raw).decode()}]}])
        self.synced()
        self._next = 10

    def synced(self, ago: timedelta = timedelta(minutes=5)) -> None:
        """The cache as a sync ``ago`` before the clock left it."""
        self.till.settings.set(SettingKey.CACHE_SYNCED_UTC, to_utc_text(self.clock() - ago))

    def vouchers(self, n: int, state: str = "active", paid_cents: int | None = None) -> list[str]:
        """``n`` new vouchers in the cache (as the change feed brings them), as the QR codes printed on them."""
        serials = []
        for _ in range(n):
            self._next += 1
            serials.append(make_serial(self._next))
        self.till.cache.apply_changes([{"serial": x, "campaign_id": CAMPAIGN, "state": state, "paid_cents": paid_cents}
                                       for x in serials])
        return [sign_code(CAMPAIGN, "K1", x, self.key) for x in serials]

    def books(self) -> Books:
        return self.till.books

    def redeem(self, code: str) -> Any:
        outcome = self.till.redemptions.redeem(code)
        assert outcome.verdict.accepted, outcome.verdict
        return outcome


@pytest.fixture
def clock() -> Clock:
    return Clock(utc(2026, 11, 23, 9, 0))  # 10:00 in Paris


@pytest.fixture
def shop(tmp_path: Path, clock: Clock) -> Iterator[Shop]:
    s = Shop(tmp_path / "till", clock)
    yield s
    s.till.close()
