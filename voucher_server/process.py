"""The central API as a child process: the one manager the demo, the self-test, the tests and the benchmarks use.

Parent side, ``ServerProcess``: ``voucher_server.cli serve`` on 127.0.0.1 and a free port, with its own database
URL and log file; ``start`` returns once ``/api/v1/health`` answers, ``stop`` ends it for sure (its own process
group, SIGTERM then SIGKILL), ``run`` runs a one-off command (``seed-demo``, ``print-vouchers``, ...).

Child side, ``python -m voucher_server.process [--parent PID] <voucher_server.cli arguments>``: the command line
with a parent watchdog, so the server exits as soon as process PID is gone however it ended (SIGKILL, a crash,
Windows' task manager). With Linux's PR_SET_PDEATHSIG (the fast path) and the parent's own ``stop`` it is how a
server never outlives whoever started it. No Qt, no test-only code: a PyInstaller bundle runs it too.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self
from urllib.error import URLError
from urllib.request import urlopen

from .listeners import allow_port_sharing

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# POSIX passes the listening socket to the child (Windows has no pass_fds: the child binds the port itself)
_PASS_SOCKET = os.name == "posix"


def _bound_socket(port: int) -> socket.socket:
    """A TCP socket bound to 127.0.0.1:``port`` (0: the kernel's pick), not listening yet: connections to it are
    refused until it listens."""
    sock = socket.socket()
    try:
        allow_port_sharing(sock)  # the server's worker processes each add a socket of their own (listeners.py)
        if port:
            # a restart right after a stop: lets the bind pass the old connections' TIME_WAIT. Not on the first
            # pick: while neither listens, Linux lets a second SO_REUSEADDR socket (uvicorn's) bind beside one that
            # has it too, and the port would not be held
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


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


def python_command() -> list[str]:
    """How to run this module's ``main`` from source (a bundle passes its own executable's command instead)."""
    return [sys.executable, "-m", "voucher_server.process"]


class ServerProcessError(RuntimeError):
    """The server could not be started or a command failed; ``kind`` is ``exited``, ``no_answer`` or
    ``failed``, ``detail`` the end of its log or error output."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"voucher server {kind.replace('_', ' ')}: {detail}".rstrip(": "))
        self.kind, self.detail = kind, detail


def _pdeathsig() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM when the thread that started it dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ServerProcess:
    """``voucher_server.cli serve`` in a child process on 127.0.0.1 with database ``db_url``.

    ``workdir`` holds the log (``server.log``, appended to across restarts) and is the child's working folder.
    ``command`` runs this module (``python_command()`` by default); ``env`` replaces the inherited environment
    (``PYTHONPATH`` gets the source tree first unless ``frozen``). The port is chosen once: a restart serves the
    same URL. ``tie_to_parent``: the child watches this process (``--parent``) and, on Linux, gets
    PR_SET_PDEATHSIG unless ``pdeathsig`` is False. ``workers`` (None: the server's own default) as ``serve``.
    """

    def __init__(self, db_url: str, workdir: Path, *, command: Sequence[str] | None = None,
                 env: Mapping[str, str] | None = None, frozen: bool = False, workers: int | None = None,
                 startup_timeout: float = 60.0, tie_to_parent: bool = True, pdeathsig: bool = True) -> None:
        self.db_url = db_url
        self.workdir = Path(workdir)
        self.log_path = self.workdir / "server.log"
        self.command = list(command or python_command())
        self.env = dict(os.environ if env is None else env)
        if not frozen:
            self.env["PYTHONPATH"] = str(REPO) + os.pathsep + self.env.get("PYTHONPATH", "")
        self.workers = workers
        self.startup_timeout = startup_timeout
        self.tie_to_parent, self.pdeathsig = tie_to_parent, pdeathsig
        # POSIX: the port is held by a bound socket from here on and handed to the child at start (``--fd``), so
        # no other process (another test worker's server) can take it between our choice and the child's bind
        self._held: socket.socket | None = _bound_socket(0) if _PASS_SOCKET else None
        self.port = self._held.getsockname()[1] if self._held is not None else free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    # --- one-off commands -----------------------------------------------------------------------------------

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run ``voucher_server.cli ARGS`` to completion; ServerProcessError('failed') if it fails."""
        out = subprocess.run([*self.command, *args], env=self.env, cwd=str(self.workdir), capture_output=True,
                             text=True, timeout=timeout)
        if out.returncode != 0:
            raise ServerProcessError("failed", f"{args[0] if args else ''}: {out.stderr[-2000:]}")
        return out

    def seed_demo(self, json_path: Path | None = None) -> dict[str, Any]:
        """Create and seed the database like ``voucher-server seed-demo``; returns the seed JSON."""
        path = json_path or self.workdir / "seed.json"
        self.run("seed-demo", "--db", self.db_url, "--json", str(path))
        seed: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return seed

    # --- serving --------------------------------------------------------------------------------------------

    def serve_args(self, fd: int | None = None) -> list[str]:
        parent = ["--parent", str(os.getpid())] if self.tie_to_parent else []
        workers = ["--workers", str(self.workers)] if self.workers is not None else []
        inherited = ["--fd", str(fd)] if fd is not None else []
        return [*self.command, *parent, "serve", "--db", self.db_url, "--host", "127.0.0.1",
                "--port", str(self.port), *inherited, *workers]

    def start(self) -> Self:
        """Start serving (nothing if already running); returns once ``/api/v1/health`` answers."""
        if self.running:
            return self
        linux_guard = self.tie_to_parent and self.pdeathsig and sys.platform.startswith("linux")
        self.workdir.mkdir(parents=True, exist_ok=True)
        sock = self._take_socket()
        fd = None if sock is None else sock.fileno()
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it; closed right after Popen
        try:
            self.proc = subprocess.Popen(
                self.serve_args(fd), env=self.env, cwd=str(self.workdir), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, pass_fds=() if fd is None else (fd,),
                start_new_session=True,  # its own process group: stop() ends uvicorn and anything it spawned
                preexec_fn=_pdeathsig if linux_guard else None)
        finally:
            log.close()
            if sock is not None:  # the child has it: ours open would queue connections while the server is down
                sock.close()
        self._wait_ready(self.proc)
        return self

    def _take_socket(self) -> socket.socket | None:
        """The socket the child serves on: the one held since ``__init__``, or the same port bound again for a
        restart (None where sockets are not passed: the child binds the port itself)."""
        if not _PASS_SOCKET:
            return None
        sock, self._held = self._held, None
        if sock is None:
            try:
                sock = _bound_socket(self.port)
            except OSError as exc:
                raise ServerProcessError("exited", f"port {self.port} is taken: {exc}") from exc
        # listening from here: no one can bind the port beside it any more (a connection waits in the backlog
        # until the server accepts). SO_REUSEADDR passes to the connections it accepts, so their TIME_WAIT does
        # not refuse a restart's bind
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.listen(128)
        return sock

    def _wait_ready(self, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.proc = None
                raise ServerProcessError("exited", self.log_tail())
            try:
                with urlopen(self.url + "/api/v1/health", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except (URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise ServerProcessError("no_answer", f"no answer from /api/v1/health in {self.startup_timeout:g} s")

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the server's log ('' before it has one)."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM the server's process group, SIGKILL after ``grace`` seconds; idempotent."""
        if self._held is not None:  # never started: give the port back
            self._held.close()
            self._held = None
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        _signal_group(proc, signal.SIGKILL)  # whatever the leader left behind in its group goes too

    def kill(self) -> None:
        """SIGKILL the server and its group at once (a crash, for tests); idempotent."""
        proc, self.proc = self.proc, None
        if proc is not None:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
    elif proc.poll() is None:  # pragma: no cover - Windows
        proc.terminate() if sig == signal.SIGTERM else proc.kill()


# --- child side ---------------------------------------------------------------------------------------------

def parent_alive(pid: int) -> bool:
    """True while process ``pid`` runs."""
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x102)  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    # POSIX: once the parent dies we are re-parented, so getppid() changes
    return os.getppid() == pid


def watch_parent(pid: int, interval: float = 0.5) -> threading.Thread:
    """A daemon thread that ends this process, and the worker processes of its group, once ``pid`` is gone."""

    def run() -> None:
        while parent_alive(pid):
            time.sleep(interval)
        if os.name == "posix" and os.getpgid(0) == os.getpid():  # we lead our group: uvicorn's workers too
            os.killpg(0, signal.SIGKILL)
        os._exit(0)

    thread = threading.Thread(target=run, name="server-parent-watchdog", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    """``[--parent PID] <voucher_server.cli arguments>``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--parent"]:
        watch_parent(int(args[1]))
        args = args[2:]
    from voucher_server.cli import main as server_main

    return server_main(args)


if __name__ == "__main__":
    sys.exit(main())
