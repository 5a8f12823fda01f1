"""Fixtures of the till tests: the real voucher server (LiveServer) on 127.0.0.1, real SQLite homes, and small
real TCP fault servers (slow, HTTP 500, connection reset) put in front of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.till import Till
from tests.conftest import seeded_server
from voucher_server.testing import LiveServer, SeedVouchers

Vouchers = SeedVouchers  # the tests' short name


server = pytest.fixture(scope="session", name="server")(seeded_server)


@pytest.fixture(scope="session")
def vouchers(server: LiveServer) -> Vouchers:
    return Vouchers(server.seed)


def open_till(home: Path, server: LiveServer, token: str, sync: bool = True) -> Till:
    """A till configured against ``server`` with ``token`` (held in memory: no keyring in tests), in a fresh home:
    the operator's reset of the terminal's ledger chain comes first, as for a replaced till."""
    server.reset_ledger(token)
    till = Till.open(home, token_provider=MemoryTokenProvider())
    till.configure(server.url, token)
    if sync:
        report = till.sync.sync_once()
        assert report.ok, report.errors
    return till


def point_at(till: Till, url: str) -> None:
    """Send the till's traffic to ``url`` (a fault server in front of the real one)."""
    till.settings.set("server_url", url)
    if till._api is not None:
        till._api.close()
    till._api = None
    till.network.last_failure = None


@pytest.fixture
def till_factory(tmp_path: Path, server: LiveServer) -> Iterator[Any]:
    opened: list[Till] = []

    def make(role: str = "merchant", index: int = 0, name: str | None = None, srv: LiveServer | None = None,
             in_campaign: bool = True) -> Till:
        s = srv or server
        t = open_till(tmp_path / (name or f"{role}{index}_{len(opened)}"), s, s.token(role, index, in_campaign))
        opened.append(t)
        return t

    yield make
    for t in opened:
        t.close()


