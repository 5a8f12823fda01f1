"""Demo mode (``pos-app --demo``): an embedded central API, a demo till, a camera (real or simulated).

``DemoEnvironment`` is a context manager. On enter it seeds a fresh SQLite database like ``seed-demo``,
starts ``voucher_server.cli serve`` as a *subprocess* on 127.0.0.1 (a subprocess, so quitting can kill it for
sure, whatever state its threads are in), opens a till home (a temp folder unless ``home`` is given) with an
in-memory keyring (never the user's real one) and configures it against the server. On exit the server is
stopped (SIGTERM, then SIGKILL) and temp folders removed; atexit and SIGTERM/SIGINT handlers do the same if
the process is ended another way, and on Linux the server also gets PR_SET_PDEATHSIG.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

from .demo_media import cached_demo_video, demo_codes, make_simulated_video, qr_image, webcam_available

__all__ = ["DemoEnvironment", "EmbeddedServer", "cached_demo_video", "demo_codes", "make_simulated_video",
           "qr_image", "run_demo", "webcam_available"]

REPO = Path(__file__).resolve().parents[1]
DEMO_SECRET_ENV = "pos-app-demo-secret"  # demo-only: encrypts the throw-away campaign keys
ROLES = ("cashier", "tobacconist", "owner")


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


# --- in-memory keyring ----------------------------------------------------------------------------------

def install_memory_keyring() -> Any:
    """Point ``keyring`` at a process-local dict, so the demo never reads or writes the user's keyring."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        """Passwords in a dict; gone when the process ends."""

        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self._store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self._store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self._store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self._store.pop((service, username), None)

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


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


# --- demo vouchers and the simulated camera --------------------------------------------------------------

def remove_stale_demo_folders() -> int:
    """Remove demo temp folders whose app died without cleaning up (e.g. SIGKILL); returns how many."""
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob("pos_app_demo_*"):
        try:
            owner = int((folder / "owner.pid").read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        if owner != os.getpid() and not pid_alive(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


# --- the demo environment --------------------------------------------------------------------------------

_LIVE: set[DemoEnvironment] = set()
_LOCK = threading.Lock()
_HANDLERS_INSTALLED = False


def _stop_all() -> None:
    for env in list(_LIVE):
        with contextlib.suppress(Exception):
            env.close()


def _install_exit_handlers() -> None:
    """atexit + SIGTERM/SIGINT/SIGHUP: stop every embedded server before the process goes."""
    global _HANDLERS_INSTALLED
    with _LOCK:
        if _HANDLERS_INSTALLED:
            return
        _HANDLERS_INSTALLED = True
    atexit.register(_stop_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for signame in ("SIGTERM", "SIGINT", "SIGHUP"):
        sig = getattr(signal, signame, None)
        if sig is None:
            continue
        previous = signal.getsignal(sig)

        def handler(signum: int, frame: Any, _prev: Any = previous) -> None:
            _stop_all()
            if callable(_prev):
                _prev(signum, frame)
            else:
                sys.exit(128 + signum)

        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, handler)


HOME_OF_ROLE = {"cashier": "shop", "owner": "shop", "tobacconist": "tobacconist"}


class DemoEnvironment:
    """Everything ``pos-app --demo`` needs; use as ``with DemoEnvironment() as env: ...``.

    Attributes after enter: ``url``, ``seed``, ``server`` (EmbeddedServer), ``home``, ``till`` (the services'
    Till of the current role, or None with ``open_till=False``), ``tokens`` (role -> token), ``camera_source``
    (int webcam index or the simulated video's Path), ``simulated`` (bool), ``codes`` (what the simulated video
    shows). One till home per role's till: the bakery's (cashier and owner) and the tobacconist's, so each
    one's books, closings and reports are its own.
    """

    def __init__(self, home: Path | None = None, *, lang: str = "fr", camera: str = "auto",
                 role: str = "cashier", open_till: bool = True) -> None:
        self.lang = lang
        self.camera_mode = camera  # auto | webcam | simulated | none
        self.role = role
        self._open_till = open_till
        self._given_home = Path(home) if home else None
        self._tmp: Path | None = None
        self.server: EmbeddedServer | None = None
        self.home: Path | None = None
        self.till: Any = None
        self._tills: dict[str, Any] = {}  # home name (HOME_OF_ROLE) -> open Till
        self.token_provider: Any = None
        self.keyring_backend: Any = None
        self.seed: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}
        self.codes: list[dict[str, Any]] = []
        self.camera_source: int | Path | None = None
        self.simulated = False

    @property
    def url(self) -> str:
        return self.server.url if self.server else ""

    def __enter__(self) -> DemoEnvironment:
        try:
            self.open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Seed and start the server, open and configure the till, pick the camera."""
        _install_exit_handlers()
        remove_stale_demo_folders()
        self._tmp = Path(tempfile.mkdtemp(prefix="pos_app_demo_"))
        (self._tmp / "owner.pid").write_text(str(os.getpid()), encoding="ascii")
        _LIVE.add(self)
        self.keyring_backend = install_memory_keyring()
        self.server = EmbeddedServer(self._tmp)
        self.seed = self.server.seed_demo()
        self.server.start()
        self.tokens = self._role_tokens(self.seed)
        self.codes = demo_codes(self.seed)
        self.home = self._home_of(self.role)
        if self._open_till:
            self.till = self._open_configured_till()
        self._pick_camera()

    @staticmethod
    def _role_tokens(seed: dict[str, Any]) -> dict[str, str]:
        """cashier and owner: the bakery's till (in the campaign); tobacconist: the seller's till."""
        terms = seed.get("terminals", [])
        merchant = next((t for t in terms if t["role"] == "merchant" and t.get("in_campaign", True)), None)
        seller = next((t for t in terms if t["role"] == "seller"), None)
        out = {}
        if merchant:
            out["cashier"] = out["owner"] = merchant["token"]
        if seller:
            out["tobacconist"] = seller["token"]
        return out

    def _home_of(self, role: str) -> Path:
        """The till home of ``role``: the bakery's for cashier and owner, the tobacconist's apart."""
        base = self._given_home or (self._tmp or Path(tempfile.gettempdir())) / "till"
        home = base / "tabac" if HOME_OF_ROLE.get(role) == "tobacconist" else base
        home.mkdir(parents=True, exist_ok=True)
        return home

    def _open_configured_till(self) -> Any:
        from pos_app.api.tokens import MemoryTokenProvider
        from pos_app.services.till import Till

        name = HOME_OF_ROLE.get(self.role, "shop")
        if name in self._tills:
            return self._tills[name]
        self.token_provider = MemoryTokenProvider()
        till = Till.open(self.home, token_provider=self.token_provider)
        till.configure(self.url, self.tokens.get(self.role, self.tokens.get("cashier", "")))
        self._tills[name] = till
        try:  # a warm offline cache from the start: the demo can show offline mode, and a slow first
            till.sync.sync_once(None)  # answer falls back to a cache that knows every demo voucher
        except Exception as exc:
            print(f"demo: première synchronisation impossible / first sync failed: {exc}", file=sys.stderr)
        return till

    def switch_role(self, role: str) -> Any:
        """Make ``role`` (cashier, tobacconist, owner) current: its till home and token. Returns its Till."""
        if role not in self.tokens:
            raise ValueError(f"rôle inconnu / unknown role: {role}")
        self.role = role
        self.home = self._home_of(role)
        if self.till is not None:
            self.till = self._open_configured_till()
            if self.till.tokens.get() != self.tokens[role]:  # cashier <-> owner share the bakery's till
                self.till.configure(self.url, self.tokens[role])
        return self.till

    def _pick_camera(self) -> None:
        mode = self.camera_mode
        if mode in ("auto", "webcam") and webcam_available(0):
            self.camera_source, self.simulated = 0, False
            return
        if mode == "none" or (mode == "webcam"):
            self.camera_source, self.simulated = None, False
            return
        self.camera_source, self.simulated = cached_demo_video(self.codes), True

    def print_vouchers(self, pdf_path: Path | str) -> Path:
        """The A4 PDF sheet of active demo vouchers, to print and show to a real webcam."""
        if self.server is None:
            raise RuntimeError("demo not started")
        return self.server.print_vouchers(Path(pdf_path))

    def close(self) -> None:
        """Stop the server, close the till, remove the temp folder; safe to call twice."""
        for till in self._tills.values():
            with contextlib.suppress(Exception):
                till.close()
        self._tills.clear()
        self.till = None
        if self.server is not None:
            self.server.stop()
        _LIVE.discard(self)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


# --- entry point for `pos-app --demo` --------------------------------------------------------------------

def _run_ui(env: DemoEnvironment, lang: str) -> int:
    # Python signal handlers do not run while Qt's event loop waits in C++, so during the UI a SIGTERM/SIGINT
    # must end the app at once (default action); the server's parent watchdog then stops it.
    for signame in ("SIGTERM", "SIGINT"):
        with contextlib.suppress(ValueError, OSError, AttributeError):
            signal.signal(getattr(signal, signame), signal.SIG_DFL)
    if env.till is None:
        print("pos-app --demo : la caisse n'a pas pu être ouverte / the till could not be opened.", file=sys.stderr)
        return 1
    from .demo_ui import run_demo_window

    return run_demo_window(env, lang)


def run_demo(args: argparse.Namespace, runner: Callable[[DemoEnvironment, str], int] | None = None) -> int:
    """``pos-app --demo``: start the embedded server, run the app against it, stop everything on quit."""
    lang = getattr(args, "lang", None) or "fr"
    print("Démarrage de la démo (serveur central local)… / starting the demo…", file=sys.stderr)
    try:
        with DemoEnvironment(getattr(args, "home", None), lang=lang) as env:
            global CURRENT
            CURRENT = env
            print(f"Démo : serveur {env.url}, caisse {env.home}, caméra "
                  f"{'simulée' if env.simulated else env.camera_source}", file=sys.stderr)
            return (runner or _run_ui)(env, lang)
    except RuntimeError as exc:
        print(f"pos-app --demo : {exc}", file=sys.stderr)
        return 1
    finally:
        CURRENT = None


CURRENT: DemoEnvironment | None = None
"""The running demo (for the UI's "print demo vouchers" and role switch actions)."""
