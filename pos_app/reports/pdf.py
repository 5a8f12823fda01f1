"""PDF through Qt, headless: QTextDocument printed on a QPdfWriter (A4). No Qt at import time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def ensure_gui_app() -> Any:
    """A QGuiApplication (offscreen when no display is set), created only when none exists."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    return app


def html_to_pdf(html: str, path: Path | str, title: str = "") -> None:
    """Render HTML to an A4 PDF file."""
    ensure_gui_app()
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("pos-app")
    doc = QTextDocument()
    # Lay out at the writer's resolution, so points are points on paper (not screen pixels scaled up).
    doc.documentLayout().setPaintDevice(writer)
    font = QFont("DejaVu Sans", 8)
    # No ligatures: "fi"/"fl" stay two letters, so the PDF's text searches and extracts as written.
    for feature in ("liga", "clig"):
        font.setFeature(QFont.Tag(feature), 0)
    doc.setDefaultFont(font)
    doc.setHtml(html)
    doc.print_(writer)


def write_pdf(report: Any, path: Path | str, lang: str = "fr", sales: bool = False) -> None:
    """The day report (or a MonthReport) as PDF."""
    from .html import month_html, report_html
    from .model import MonthReport

    if isinstance(report, MonthReport):
        html_to_pdf(month_html(report, lang), path, f"pos-app {report.month}")
    else:
        html_to_pdf(report_html(report, lang, sales), path, f"pos-app {report.day}")
