"""``pos-app decode``: decode barcode images or videos (issue: scanning)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import not_yet


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("decode", help="decode barcodes in images or videos, one JSON line each")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(func=decode)


def decode(args: argparse.Namespace) -> int:
    return not_yet("decode")
