"""The demo's embedded central API: ``voucher_server.cli serve`` in a subprocess on a fresh, seeded SQLite
database, stopped for sure (its own process group, SIGTERM then SIGKILL, PR_SET_PDEATHSIG on Linux, and the
parent watchdog of ``pos_app.demo_server``)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

REPO = Path(__file__).resolve().parents[2]
DEMO_SECRET_ENV = "pos-app-demo-secret"  # demo-only: encrypts the throw-away campaign keys


# --- where things are, from the source tree or a PyInstaller bundle ---------------------------------------

def frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def resources_dir() -> Path:
    """The ``resources`` folder (repo root from source, ``_MEIPASS/resources`` in a bundle)."""
    if frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    return REPO / "resources"


def server_command() -> list[str]:
    """How to run ``voucher_server.cli`` (through pos_app.demo_server and its parent watchdog): ``python -m``
    from source; the bundle's entry point dispatches ``--voucher-server`` (see installer/pos_app_entry.py)."""
    if frozen():
        return [sys.executable, "--voucher-server"]
    return [sys.executable, "-m", "pos_app.demo_server"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts connections on host:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def pid_alive(pid: int) -> bool:
    """True when a process with that pid exists (and is not a zombie, on Linux)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


# --- the embedded server --------------------------------------------------------------------------------

def _pdeathsig() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM if the app dies without cleaning up (even SIGKILL)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EmbeddedServer:
    """``voucher_server.cli serve`` in a subprocess on a fresh, seeded SQLite database."""

    def __init__(self, workdir: Path, startup_timeout: float = 60.0) -> None:
        self.workdir = workdir
        self.db_url = f"sqlite:///{workdir / 'server.sqlite3'}"
        self.seed_path = workdir / "seed.json"
        self.log_path = workdir / "server.log"
        self.port = 0
        self.url = ""
        self.seed: dict[str, Any] = {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup_timeout = startup_timeout
        self.env = dict(os.environ)
        self.env.setdefault("VOUCHER_SERVER_SECRET", DEMO_SECRET_ENV)
        if not frozen():
            self.env["PYTHONPATH"] = str(REPO) + os.pathsep + self.env.get("PYTHONPATH", "")

    def _run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([*server_command(), *args], env=self.env, cwd=str(self.workdir),
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"voucher_server {args[0]} a échoué / failed: {out.stderr[-2000:]}")
        return out

    def seed_demo(self) -> dict[str, Any]:
        """Create and seed the database like ``voucher-server seed-demo``; returns the seed JSON."""
        self._run("seed-demo", "--db", self.db_url, "--json", str(self.seed_path))
        self.seed = json.loads(self.seed_path.read_text(encoding="utf-8"))
        return self.seed

    def start(self) -> None:
        """Start serving; returns once ``/api/v1/health`` answers."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it; closed right after Popen
        try:
            self.proc = subprocess.Popen(
                [*server_command(), "--parent", str(os.getpid()), "serve", "--db", self.db_url,
                 "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, cwd=str(self.workdir), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stop() kills uvicorn and anything it spawned
                # POS_APP_DEMO_NO_PDEATHSIG: tests check the portable watchdog alone
                preexec_fn=_pdeathsig if sys.platform.startswith("linux")
                and not os.environ.get("POS_APP_DEMO_NO_PDEATHSIG") else None)
        finally:
            log.close()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("le serveur de démo s'est arrêté / demo server exited: "
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:
                with urlopen(self.url + "/api/v1/health", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except (URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("le serveur de démo ne répond pas / demo server did not answer /health")

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def stop(self) -> None:
        """Terminate the server's process group, SIGKILL after 10 s; idempotent."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            self._signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._signal_group(proc, signal.SIGKILL)
                proc.wait()
        # whatever the leader left behind in its group goes too
        self._signal_group(proc, signal.SIGKILL)

    @staticmethod
    def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
        if os.name == "posix":
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)
        elif proc.poll() is None:  # pragma: no cover - Windows
            proc.terminate() if sig == signal.SIGTERM else proc.kill()

    def print_vouchers(self, pdf_path: Path, campaign: str = "BOOST24", state: str = "active",
                       limit: int = 12) -> Path:
        """The A4 sheet of demo vouchers (``voucher-server print-vouchers``) as a PDF."""
        self._run("print-vouchers", "--db", self.db_url, "--campaign", campaign, "--pdf", str(pdf_path),
                  "--state", state, "--limit", str(limit))
        return pdf_path


