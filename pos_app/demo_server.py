"""The demo's embedded central API process: ``voucher_server.cli`` plus a parent watchdog.

``python -m pos_app.demo_server --parent PID serve ...`` (in a bundle: ``pos-app --voucher-server ...``) runs
the reference server and exits as soon as process PID is gone — however the app ended (SIGKILL, a crash,
SIGTERM during Qt's event loop, Windows' task manager). It is the portable guarantee that quitting the demo
leaves nothing running; Linux's PR_SET_PDEATHSIG and the app's own clean-up are the fast paths.
"""

from __future__ import annotations

import os
import sys
import threading
import time


def parent_alive(pid: int) -> bool:
    """True while process ``pid`` runs."""
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    # POSIX: once the parent dies we are re-parented, so getppid() changes
    return os.getppid() == pid


def watch_parent(pid: int, interval: float = 0.5) -> threading.Thread:
    """A daemon thread that ends this process (no clean-up needed: the demo database is throw-away)."""

    def run() -> None:
        while parent_alive(pid):
            time.sleep(interval)
        os._exit(0)

    thread = threading.Thread(target=run, name="demo-parent-watchdog", daemon=True)
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
