"""disable-terminal, enable-terminal (effective on the terminal's very next request, on every server process);
unknown-lookups (terminals that asked for unknown voucher numbers)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import add_parser, database


def cmd_set_enabled(args: argparse.Namespace) -> int:
    from ..services.terminals import UnknownTerminal, set_terminal_enabled

    enabled = args.command == "enable-terminal"
    with database(args) as db:
        try:
            changed = set_terminal_enabled(db, args.id, enabled)
        except UnknownTerminal:
            sys.exit(f"{args.command}: no terminal {args.id}")
    state = "enabled" if enabled else "disabled"
    print(f"terminal {args.id}: {state}" + ("" if changed else " (already)"))
    return 0


def cmd_unknown_lookups(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from voucher_core.timeutil import business_day, utc_now

    from ..services.lookups import unknown_lookups

    with database(args) as db:
        lines = unknown_lookups(db, business_day(utc_now()) - timedelta(days=args.days - 1))
    for line in lines:
        print(line.text())
    if not lines:
        print(f"no unknown voucher numbers in the last {args.days} day(s)")
    return 0


def register(sub: Any) -> None:
    for name, what in (("disable-terminal", "refuse this terminal's token from its next request"),
                       ("enable-terminal", "accept this terminal's token again")):
        s = add_parser(sub, name, cmd_set_enabled, what)
        s.add_argument("--id", type=int, required=True, help="terminal id (printed by add-terminal)")

    s = add_parser(sub, "unknown-lookups", cmd_unknown_lookups,
                   "terminals that asked for unknown voucher numbers (someone guessing?), per day")
    s.add_argument("--days", type=int, default=7, help="how many Paris days back, today included (default 7)")
