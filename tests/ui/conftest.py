"""UI test fixtures: the real voucher server (LiveServer), real till homes, translations built, real Qt widgets
offscreen. Servers that must be stopped or slowed get their own LiveServer / TCP proxy inside the test."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.till import Till
from voucher_server.testing import LiveServer, free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def built_translations() -> None:
    """The .qm files are build products (git-ignored): build them like `make translations` does."""
    subprocess.run([sys.executable, "-m", "pos_app.i18n_build"], cwd=REPO, check=True, capture_output=True)


class Vouchers:
    """Distinct active seed vouchers of the demo campaign, so tests never reuse one."""

    def __init__(self, seed: dict[str, Any]) -> None:
        self._active = [v for v in seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "active"]
        self._by_state: dict[str, list[dict[str, Any]]] = {}
        for v in seed["vouchers"]:
            if v["campaign"] == "BOOST24":
                self._by_state.setdefault(v["state"], []).append(v)

    def take(self, state: str = "active") -> dict[str, Any]:
        return self._by_state[state].pop()

    def has(self, state: str) -> bool:
        return bool(self._by_state.get(state))


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    with LiveServer() as srv:
        yield srv


@pytest.fixture(scope="session")
def vouchers(server: LiveServer) -> Vouchers:
    return Vouchers(server.seed)


def open_till(home: Path, server: LiveServer, role: str = "merchant", index: int = 0) -> Till:
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


class SlowProxy:
    """A real TCP proxy on 127.0.0.1 that waits ``delay`` s before forwarding each request upstream."""

    def __init__(self, upstream_port: int, delay: float = 5.0) -> None:
        self.upstream_port, self.delay = upstream_port, delay
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            up = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
            first = True

            def back() -> None:
                try:
                    while chunk := up.recv(65536):
                        conn.sendall(chunk)
                except OSError:
                    pass
                finally:
                    conn.close()

            threading.Thread(target=back, daemon=True).start()
            while chunk := conn.recv(65536):
                if first:
                    time.sleep(self.delay)
                    first = False
                up.sendall(chunk)
        except OSError:
            pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


def point_at(till: Till, url: str) -> None:
    """Send the till's traffic to ``url`` (e.g. the slow proxy in front of the real server)."""
    till.settings.set("server_url", url)
    if till._api is not None:
        till._api.close()
    till._api = None
    till.last_failure = None
