"""Command-line entry point ``pos-app``: the app itself, and headless commands sharing its services.

Each group of commands lives in ``pos_app/commands/`` and registers its own sub-parsers; heavy imports
happen inside the commands, so ``pos-app --version`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .commands import books, scan, till

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used by tests and docs)."""
    parser = argparse.ArgumentParser(prog="pos-app", description="Caisse bons d'achat / voucher till")
    parser.add_argument("--version", action="version", version=f"pos-app {__version__}")
    parser.add_argument("--home", type=Path, default=None,
                        help="folder holding every local file of this till (default: per-user data folder)")
    parser.add_argument("--demo", action="store_true", help="open against an embedded demo central API")
    parser.add_argument("--selftest", action="store_true", help="check the installation end to end and exit")
    parser.add_argument("--lang", choices=["fr", "en"], default=None, help="interface language")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (scan, till, books):
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``pos-app``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from .commands import gui

        return gui.run(args)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
