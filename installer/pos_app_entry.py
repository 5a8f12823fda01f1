"""Entry point of the PyInstaller bundle (``dist/pos-app/pos-app``).

One executable, three jobs: the app (``pos_app.cli``); ``--selftest`` (always dispatched here, so a bundle can
be checked even before the GUI command handles it); and ``--voucher-server ARGS`` which runs
``voucher_server.process`` (the server's command line behind its parent watchdog) — the demo starts its embedded
central API as a subprocess of this same executable, because a frozen app has no ``python -m``.
"""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()
    argv = sys.argv[1:]
    if argv[:1] == ["--voucher-server"]:
        from voucher_server.process import main as server_main

        return server_main(argv[1:])
    if "--selftest" in argv:
        from pos_app.cli import build_parser
        from pos_app.selftest import run_selftest

        return run_selftest(build_parser().parse_args(argv))
    from pos_app.cli import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    sys.exit(main())
