"""The demo's embedded central API: ``voucher_server.process.ServerProcess`` on a fresh, seeded SQLite database
in the demo's folder, tied to the app (its own process group, PR_SET_PDEATHSIG on Linux, the parent watchdog),
run from the source tree or, in a PyInstaller bundle, by the bundle's own executable."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Self

from voucher_server.process import ServerProcess, ServerProcessError, free_port, pid_alive, port_open

__all__ = ["DEMO_SECRET_ENV", "EmbeddedServer", "free_port", "frozen", "pid_alive", "port_open", "resources_dir",
           "server_command"]

REPO = Path(__file__).resolve().parents[2]
DEMO_SECRET_ENV = "pos-app-demo-secret"  # demo-only: encrypts the throw-away campaign keys
_FAILURES = {"exited": "le serveur de démo s'est arrêté / demo server exited",
             "no_answer": "le serveur de démo ne répond pas / demo server did not answer /health",
             "failed": "voucher_server a échoué / failed"}


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
    """How to run ``voucher_server.process`` (the server's command line behind its parent watchdog): ``python
    -m`` from source; the bundle's entry point dispatches ``--voucher-server`` (see installer/pos_app_entry.py)."""
    if frozen():
        return [sys.executable, "--voucher-server"]
    return [sys.executable, "-m", "voucher_server.process"]


class EmbeddedServer(ServerProcess):
    """The demo's server in ``workdir`` (``server.sqlite3``, ``seed.json``, ``server.log``)."""

    def __init__(self, workdir: Path, startup_timeout: float = 60.0) -> None:
        env = dict(os.environ)
        env.setdefault("VOUCHER_SERVER_SECRET", DEMO_SECRET_ENV)
        # The demo sells online in TEST mode (no internet, no money): asked for here, as serve requires.
        env.setdefault("VOUCHER_SERVER_PAYMENTS", "test")
        # POS_APP_DEMO_NO_PDEATHSIG: tests check the portable watchdog alone
        super().__init__(f"sqlite:///{workdir / 'server.sqlite3'}", workdir, command=server_command(), env=env,
                         frozen=frozen(), startup_timeout=startup_timeout,
                         pdeathsig=not os.environ.get("POS_APP_DEMO_NO_PDEATHSIG"))
        self.seed_path = workdir / "seed.json"
        self.seed: dict[str, Any] = {}

    def seed_demo(self, json_path: Path | None = None) -> dict[str, Any]:
        """Create and seed the database like ``voucher-server seed-demo``; returns the seed JSON."""
        try:
            self.seed = super().seed_demo(json_path or self.seed_path)
            self.run("sell-online", "--db", self.db_url, "--campaign", "BOOST24", "--provider", "test")
        except ServerProcessError as exc:
            raise RuntimeError(f"{_FAILURES[exc.kind]}: {exc.detail}") from exc
        return self.seed

    def start(self) -> Self:
        """Start serving; returns once ``/api/v1/health`` answers."""
        try:
            return super().start()
        except ServerProcessError as exc:
            raise RuntimeError(f"{_FAILURES[exc.kind]}: {exc.detail}" if exc.kind == "exited"
                               else _FAILURES[exc.kind]) from exc

    def print_vouchers(self, pdf_path: Path, campaign: str = "BOOST24", state: str = "active",
                       limit: int = 12) -> Path:
        """The A4 sheet of demo vouchers (``voucher-server print-vouchers``) as a PDF."""
        try:
            self.run("print-vouchers", "--db", self.db_url, "--campaign", campaign, "--pdf", str(pdf_path),
                     "--state", state, "--limit", str(limit))
        except ServerProcessError as exc:
            raise RuntimeError(f"{_FAILURES[exc.kind]}: {exc.detail}") from exc
        return pdf_path
