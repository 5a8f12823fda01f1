"""LiveServer: the real voucher server in a subprocess (``process.ServerProcess``), for tests and benchmarks.

    with LiveServer() as srv:          # fresh SQLite file, seeded
        requests.get(srv.url + "/api/v1/health")
        token = srv.seed["terminals"][0]["token"]

Environment knobs for the server: ``void_window`` (seconds), ``rate``/``burst`` (per-token rate limit),
``env`` (extra variables). This interface is relied upon by the till and UI tests: keep it stable.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .process import REPO, ServerProcess, free_port

__all__ = ["REPO", "FaultServer", "LiveServer", "SeedVouchers", "free_port"]


class LiveServer(ServerProcess):
    """A real ``voucher_server.cli serve`` subprocess on 127.0.0.1 with its own database (a fresh SQLite file in
    a temporary folder unless ``db_url`` is given), tied to the test process: it never outlives it."""

    def __init__(self, db_url: str | None = None, seed: bool = True, *, void_window: float | None = None,
                 rate: float | None = None, burst: float | None = None, workers: int = 1,
                 env: dict[str, str] | None = None, startup_timeout: float = 60.0) -> None:
        self._tmp = tempfile.mkdtemp(prefix="voucher_server_")
        knobs = {"VOUCHER_SERVER_VOID_WINDOW": void_window, "VOUCHER_SERVER_RATE": rate,
                 "VOUCHER_SERVER_BURST": burst}
        full_env = dict(os.environ)
        full_env.setdefault("VOUCHER_SERVER_SECRET", "live-server-test-secret")
        full_env.update({k: str(v) for k, v in knobs.items() if v is not None})
        full_env.update(env or {})
        super().__init__(db_url or f"sqlite:///{Path(self._tmp) / 'server.sqlite3'}", Path(self._tmp),
                         env=full_env, workers=workers, startup_timeout=startup_timeout)
        self.seed_path = Path(self._tmp) / "seed.json"
        self.seed: dict[str, Any] = {}
        if seed:
            self.seed = self.seed_demo(self.seed_path)

    def reset_ledger(self, token: str) -> None:
        """What the operator does before a new till file takes over a terminal (its chain starts again); tests
        give the demo's terminals to a fresh till home each time."""
        from sqlalchemy import select

        from .crypto import token_hash
        from .db import Database
        from .models import Terminal
        from .services.ledger_heads import reset_chain

        db = Database(self.db_url)
        try:
            with db.writing() as s:
                terminal_id = s.scalar(select(Terminal.id).where(Terminal.token_hash == token_hash(token)))
                if terminal_id is not None:
                    reset_chain(s, terminal_id)
        finally:
            db.dispose()

    def token(self, role: str = "merchant", index: int = 0, in_campaign: bool = True) -> str:
        """A demo token: the ``index``-th terminal of that role (in the demo campaign or outside it)."""
        found = [t for t in self.seed["terminals"]
                 if t["role"] == role and t.get("in_campaign", True) == in_campaign]
        token: str = found[index]["token"]
        return token

    def close(self) -> None:
        """Stop and remove the temporary folder."""
        self.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class SeedVouchers:
    """Hands out distinct vouchers of a seed's demo campaign, so tests sharing one server never reuse one."""

    def __init__(self, seed: dict[str, Any], campaign: str = "BOOST24") -> None:
        self._by_state: dict[str, list[dict[str, Any]]] = {}
        for v in seed["vouchers"]:
            if v["campaign"] == campaign:
                self._by_state.setdefault(v["state"], []).append(v)
        self._lock = threading.Lock()

    def take(self, state: str = "active") -> dict[str, Any]:
        """A voucher in ``state`` that no other caller got."""
        with self._lock:
            return self._by_state[state].pop()

    def has(self, state: str) -> bool:
        """True while vouchers in ``state`` are left."""
        with self._lock:
            return bool(self._by_state.get(state))


class FaultServer:
    """A real TCP server on 127.0.0.1 that misbehaves: 'slow' forwards to the real server after ``delay`` s,
    'http500' answers HTTP 500, 'reset' closes the connection after reading the request, 'lost_answer' forwards the
    request to the real server and resets the connection instead of passing its answer on, 'trickle' forwards the
    request to the real server and passes its answer on one byte every ``delay`` s."""

    def __init__(self, mode: str, upstream_port: int | None = None, delay: float = 5.0) -> None:
        self.mode, self.upstream_port, self.delay = mode, upstream_port, delay
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))  # the kernel's pick, held from here: no other process can take it
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
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
            if self.mode == "trickle":
                self._drip(conn, answer)
                return
            conn.sendall(answer)
        except OSError:
            pass
        finally:
            conn.close()

    def _drip(self, conn: socket.socket, answer: bytes) -> None:
        for i in range(len(answer)):
            if self._stop.is_set():
                return
            conn.sendall(answer[i:i + 1])  # raises once the client has given up and closed
            time.sleep(self.delay)

    def close(self) -> None:
        """Stop accepting connections."""
        self._stop.set()
        self._thread.join(2)
        self._sock.close()
