"""``DemoEnvironment``: everything ``pos-app --demo`` needs, as a context manager.

On enter it seeds a fresh SQLite database like ``seed-demo``, starts the embedded server (``server.py``), opens a
till home (a temp folder unless ``home`` is given) with an in-memory keyring (never the user's real one),
configures it against the server and sets the demo's owner PIN. On exit the server is stopped and temp folders
removed; atexit and SIGTERM/SIGINT handlers do the same if the process is ended another way.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from .camera import cached_demo_video, demo_codes, webcam_available
from .server import EmbeddedServer, pid_alive

ROLES = ("cashier", "tobacconist", "owner")
DEMO_PIN = "2468"  # shown in the demo's banner; a real till has no PIN until its owner chooses one


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
        from pos_app.ui import pin

        pin.set_pin(till.settings, DEMO_PIN)  # the banner shows it: Gestion opens at once in the demo
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


