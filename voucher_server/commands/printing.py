"""print-vouchers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import add_parser, database


def cmd_print_vouchers(args: argparse.Namespace) -> int:
    from ..printing import print_vouchers

    with database(args) as db:
        n = print_vouchers(db, args.campaign, Path(args.pdf), state=args.state, limit=args.limit)
    print(f"{n} vouchers -> {args.pdf}")
    return 0


def register(sub: Any) -> None:
    s = add_parser(sub, "print-vouchers", cmd_print_vouchers, "A4 sheets of vouchers as PDF")
    s.add_argument("--campaign", required=True)
    s.add_argument("--pdf", required=True)
    s.add_argument("--state", help="only vouchers in this state (default: all)")
    s.add_argument("--limit", type=int, default=None)
