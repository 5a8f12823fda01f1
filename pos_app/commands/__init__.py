"""Sub-commands of ``pos-app``, one module per group. Nothing here imports Qt at import time."""

from __future__ import annotations

import json
import sys
from typing import Any


def not_yet(name: str) -> int:
    """Say plainly that a command is not available in this build."""
    print(f"pos-app {name}: pas encore disponible / not yet available", file=sys.stderr)
    return 2


def print_json(obj: Any) -> None:
    """One JSON line on standard output (the headless commands' format)."""
    print(json.dumps(obj, ensure_ascii=False, sort_keys=True), flush=True)
