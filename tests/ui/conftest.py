"""UI test fixtures: the real voucher server (LiveServer), real till homes, translations built, real Qt widgets
offscreen. Servers that must be stopped or slowed get their own LiveServer / TCP proxy inside the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.till import Till
from tests.conftest import seeded_server
from voucher_server.testing import FaultServer, LiveServer, SeedVouchers

REPO = Path(__file__).resolve().parents[2]


Vouchers = SeedVouchers  # the tests' short name


server = pytest.fixture(scope="session", name="server")(seeded_server)


@pytest.fixture(scope="session")
def vouchers(server: LiveServer) -> Vouchers:
    return Vouchers(server.seed)


def open_till(home: Path, server: LiveServer, role: str = "merchant", index: int = 0) -> Till:
    server.reset_ledger(server.token(role, index))  # a fresh till file for a terminal earlier tests used
    till = Till.open(home, token_provider=MemoryTokenProvider())
    till.configure(server.url, server.token(role, index))
    report = till.sync.sync_once()
    assert report.ok, report.errors
    return till


@pytest.fixture
def make_till(tmp_path: Path, server: LiveServer) -> Iterator[Any]:
    opened: list[Till] = []

    def make(role: str = "merchant", index: int = 0, srv: LiveServer | None = None) -> Till:
        t = open_till(tmp_path / f"{role}{index}_{len(opened)}", srv or server, role, index)
        opened.append(t)
        return t

    yield make
    for t in opened:
        t.close()


@pytest.fixture
def make_window(qtbot: Any) -> Iterator[Any]:
    """Opens MainWindow(s) and closes them (stopping every thread) at the end of the test."""
    from pos_app.ui.app import MainWindow

    windows: list[Any] = []

    def make(till: Till, **kwargs: Any) -> Any:
        kwargs.setdefault("sounds", False)
        kwargs.setdefault("sync_every_ms", 0)
        win = MainWindow(till, **kwargs)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win

    yield make
    for w in windows:
        w.close()


def SlowProxy(upstream_port: int, delay: float = 5.0) -> FaultServer:
    """A real TCP proxy on 127.0.0.1 that waits ``delay`` s before forwarding each request upstream."""
    return FaultServer("slow", upstream_port, delay)


def point_at(till: Till, url: str) -> None:
    """Send the till's traffic to ``url`` (e.g. the slow proxy in front of the real server)."""
    till.settings.set("server_url", url)
    if till._api is not None:
        till._api.close()
    till._api = None
    till.network.last_failure = None
