"""Opening the desktop app (issue: the desktop app)."""

from __future__ import annotations

import argparse
import os
import sys


def run(args: argparse.Namespace) -> int:
    """``pos-app`` with no subcommand: the app; ``--demo``: the demo; ``--selftest``: the self test."""
    if getattr(args, "selftest", False):
        from pos_app.selftest import run_selftest

        return int(run_selftest(args) or 0)
    if getattr(args, "demo", False):
        from pos_app.demo.run import run_demo
        from pos_app.demo.window import run_demo_window

        return int(run_demo(args, run_demo_window) or 0)
    from pos_app.services.till import Till
    from pos_app.store.settings import UiSetting
    from pos_app.ui.app import create_app, run_app

    create_app(sys.argv[:1])
    if os.environ.get("POS_APP_REPORT_READY"):
        _report_ready()
    till = Till.open(getattr(args, "home", None))
    lang = getattr(args, "lang", None) or str(till.settings.get(UiSetting.LANG) or "fr")
    try:
        return run_app(till, lang=lang)
    finally:
        till.close()


def _report_ready() -> None:
    """Start-up benchmark (bench/startup.py --bundle): print the process's age on stderr once the main window's
    camera shows its first frame (ready to scan), then quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll() -> None:
        for w in QApplication.topLevelWidgets():
            camera = getattr(getattr(w, "cashier", None), "camera", None)
            if camera is not None and getattr(camera, "frames", 0) > 0:
                print(f"ready to scan after {_process_age():.3f} s", file=sys.stderr, flush=True)
                timer.stop()
                QTimer.singleShot(100, w.close)

    timer = QTimer(QApplication.instance())
    timer.timeout.connect(poll)
    timer.start(2)


def _process_age() -> float:
    """Seconds since this process started (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0
