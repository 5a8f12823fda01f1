"""Opening the desktop app (issue: the desktop app)."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    """``pos-app`` with no subcommand: the app; ``--demo``: the demo; ``--selftest``: the self test."""
    if getattr(args, "selftest", False):
        from pos_app.selftest import run_selftest

        return int(run_selftest(args) or 0)
    if getattr(args, "demo", False):
        from pos_app.demo import run_demo

        return int(run_demo(args) or 0)
    from pos_app.services.till import Till
    from pos_app.ui.app import create_app, run_app

    create_app(sys.argv[:1])
    till = Till.open(getattr(args, "home", None))
    lang = getattr(args, "lang", None) or str(till.settings.get("ui.lang") or "fr")
    try:
        return run_app(till, lang=lang)
    finally:
        till.close()
