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


def speak(lang: str | None) -> Any:
    """The UI's words table (``pos_app.ui.words``) speaking ``lang`` (French by default) in a headless command:
    one translation mechanism for the app and the CLI. Loads Qt's core only, on first use, and creates no
    QCoreApplication (a command run inside a program that later starts a QApplication must not block it)."""
    from PySide6.QtCore import QCoreApplication

    from ..ui import i18n, words

    chosen = lang if lang in i18n.LANGS else "fr"
    if QCoreApplication.instance() is None:
        words.use_translator(i18n.load_translator(chosen))
    else:
        i18n.install_language(chosen)
    return words
