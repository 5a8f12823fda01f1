"""Fixtures of the till tests: the real voucher server (LiveServer) on 127.0.0.1, real SQLite homes, and small
real TCP fault servers (slow, HTTP 500, connection reset) put in front of it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.till import Till
from voucher_server.testing import LiveServer, free_port


class Vouchers:
    """Hands out distinct seed vouchers, so tests sharing one server never use the same one twice."""

    def __init__(self, seed: dict[str, Any]) -> None:
        self._by_state: dict[str, list[dict[str, Any]]] = {}
        for v in seed["vouchers"]:
            if v["campaign"] == "BOOST24":
                self._by_state.setdefault(v["state"], []).append(v)
        self._lock = threading.Lock()

    def take(self, state: str = "active") -> dict[str, Any]:
        with self._lock:
            return self._by_state[state].pop()


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    with LiveServer() as srv:
        yield srv


@pytest.fixture(scope="session")
def vouchers(server: LiveServer) -> Vouchers:
    return Vouchers(server.seed)


def open_till(home: Path, server: LiveServer, token: str, sync: bool = True) -> Till:
    """A till configured against ``server`` with ``token`` (held in memory: no keyring in tests)."""
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
    till.last_failure = None


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


class FaultServer:
    """A real TCP server on 127.0.0.1 that misbehaves: 'slow' forwards to the real server after ``delay`` s,
    'http500' answers HTTP 500, 'reset' closes the connection after reading the request, 'lost_answer' forwards the
    request to the real server and resets the connection instead of passing its answer on."""

    def __init__(self, mode: str, upstream_port: int | None = None, delay: float = 5.0) -> None:
        self.mode, self.upstream_port, self.delay = mode, upstream_port, delay
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes:
        data = b""
        conn.settimeout(5)
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(body) < length:
            body += conn.recv(65536)
        return head + b"\r\n\r\n" + body

    def _handle(self, conn: socket.socket) -> None:
        try:
            request = self._read_request(conn)
            if self.mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return
            if self.mode == "http500":
                body = b'{"error": {"code": "internal", "message": "Erreur interne."}}'
                conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
                return
            if self.mode == "slow":
                time.sleep(self.delay)
            request = request.replace(b"Connection: keep-alive", b"Connection: close")
            with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10) as up:
                up.sendall(request)
                answer = b""
                while chunk := up.recv(65536):
                    answer += chunk
            if self.mode == "lost_answer":  # the server did the work; the till never hears back
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return
            conn.sendall(answer)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()
