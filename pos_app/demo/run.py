"""``pos-app --demo``: start the demo environment, run the window over it, stop everything on quit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .environment import DemoEnvironment

CURRENT: DemoEnvironment | None = None
"""The running demo (tests and tools read it while the demo runs)."""


def run_demo(args: argparse.Namespace, runner: Callable[[DemoEnvironment, str], int]) -> int:
    """``pos-app --demo``: start the embedded server, run ``runner`` (the window, ``window.run_demo_window``)
    against it, stop everything on quit. French unless ``--lang en`` is given."""
    global CURRENT
    lang = getattr(args, "lang", None) or "fr"
    print("Démarrage de la démo (serveur central local)… / starting the demo…", file=sys.stderr)
    try:
        with DemoEnvironment(getattr(args, "home", None), lang=lang) as env:
            CURRENT = env
            print(f"Démo : serveur {env.url}, caisse {env.home}, caméra "
                  f"{'simulée' if env.simulated else env.camera_source}", file=sys.stderr)
            return runner(env, lang)
    except RuntimeError as exc:
        print(f"pos-app --demo : {exc}", file=sys.stderr)
        return 1
    finally:
        CURRENT = None
