"""Entry points of the desktop app: ``create_app``, ``MainWindow``, ``run_app`` (used by gui.py and demo.py)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from .main_window import MainWindow
from .resources import icon_path, resources_dir

log = logging.getLogger(__name__)

__all__ = ["MainWindow", "create_app", "run_app"]


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists), high-DPI friendly, with the app's style sheet."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else None
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName("pos-app")
    app.setOrganizationName("pos-voucher-till")
    qss = resources_dir() / "style.qss"
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    if icon_path("accepted").is_file():
        app.setWindowIcon(QIcon(str(icon_path("accepted"))))
    return app


def run_app(till: Any, camera_source: Any = None, lang: str = "fr", demo: bool = False) -> int:
    """Open the main window over ``till`` and run the event loop; returns the exit code."""
    app = create_app()
    from . import i18n

    i18n.install_language(lang)  # the wizard speaks the chosen language too
    if not demo and not till.configured:
        from .first_run import FirstRunWizard

        wizard = FirstRunWizard(till, lang=lang)
        if not wizard.exec():
            return 1
        lang = wizard.chosen_lang
    window = MainWindow(till, camera_source=camera_source, lang=lang, demo=demo)
    window.show()
    try:
        return int(app.exec())
    finally:
        window.shutdown()
