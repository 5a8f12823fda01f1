"""Opening the desktop app (issue: the desktop app)."""

from __future__ import annotations

import argparse

from . import not_yet


def run(args: argparse.Namespace) -> int:
    return not_yet("(interface graphique / desktop app)")
