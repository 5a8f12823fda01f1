"""PDF through Qt, headless: QPdfWriter (A4). No Qt at import time.

The summary (header, totals, discrepancies, closing) is an HTML QTextDocument painted page by page; the voucher
lines are painted as a table straight with QPainter, because QTextDocument lays out a 10 000-row table in minutes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def ensure_gui_app() -> Any:
    """A Qt application (offscreen when no display is set), created only when none exists.

    A QApplication rather than a bare QGuiApplication: widgets created later in the same process (the app's
    screens, the demo) abort on a QGuiApplication, and the extra cost is nil.
    """
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    return app


def _font(points: float, bold: bool = False) -> Any:
    from PySide6.QtGui import QFont

    font = QFont("DejaVu Sans")
    font.setPointSizeF(points)
    font.setBold(bold)
    # No ligatures: "fi"/"fl" stay two letters, so the PDF's text searches and extracts as written.
    for feature in ("liga", "clig"):
        font.setFeature(QFont.Tag(feature), 0)
    return font


class _Pdf:
    """A QPdfWriter and its painter, with a page cursor."""

    def __init__(self, path: Path | str, title: str) -> None:
        ensure_gui_app()
        from PySide6.QtCore import QMarginsF
        from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        self.writer = QPdfWriter(str(path))
        self.writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        self.writer.setPageMargins(QMarginsF(12, 12, 12, 14), QPageLayout.Unit.Millimeter)
        self.writer.setResolution(300)
        self.writer.setTitle(title)
        self.writer.setCreator("pos-app")
        self.painter = QPainter(self.writer)
        self.width, self.height = float(self.writer.width()), float(self.writer.height())
        self.pages, self.y = 1, 0.0

    def new_page(self) -> None:
        self.writer.newPage()
        self.pages += 1
        self.y = 0.0

    def html(self, html: str) -> None:
        """Paint an HTML document from the top of a page, over as many pages as it needs."""
        from PySide6.QtCore import QRectF, QSizeF
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.writer)  # points are points on paper
        doc.setDefaultFont(_font(8))
        doc.setHtml(html)
        doc.setPageSize(QSizeF(self.width, self.height))
        for i in range(doc.pageCount()):
            if i:
                self.new_page()
            self.painter.save()
            self.painter.translate(0, -i * self.height)
            doc.drawContents(self.painter, QRectF(0, i * self.height, self.width, self.height))
            self.painter.restore()
        self.y = doc.size().height() - (doc.pageCount() - 1) * self.height

    def table(self, title: str, headers: list[str], rows: list[list[str]], widths: list[float],
              right: set[int]) -> None:
        """A plain table painted row by row, its title and header repeated on each page."""
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QFontMetricsF

        p = self.painter
        body, head, big = _font(7), _font(7, bold=True), _font(10, bold=True)
        row_h = QFontMetricsF(body, self.writer).height() * 1.3
        title_h = QFontMetricsF(big, self.writer).height() * 1.6
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w * self.width)
        left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rightal = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        def start_page() -> None:
            if self.y + title_h + 3 * row_h > self.height:
                self.new_page()
            p.setFont(big)
            p.drawText(QRectF(0, self.y, self.width, title_h), left, title)
            self.y += title_h
            p.setFont(head)
            for i, h in enumerate(headers):
                p.drawText(QRectF(xs[i] + 8, self.y, xs[i + 1] - xs[i] - 16, row_h), rightal if i in right else left,
                           h)
            self.y += row_h
            p.drawLine(0, int(self.y), int(self.width), int(self.y))
            p.setFont(body)

        start_page()
        for row in rows:
            if self.y + row_h > self.height:
                self.new_page()
                start_page()
            for i, cell in enumerate(row):
                p.drawText(QRectF(xs[i] + 8, self.y, xs[i + 1] - xs[i] - 16, row_h),
                           rightal if i in right else left, cell)
            self.y += row_h

    def finish(self) -> None:
        self.painter.end()


def html_to_pdf(html: str, path: Path | str, title: str = "") -> None:
    """Render an HTML document to an A4 PDF file."""
    pdf = _Pdf(path, title)
    pdf.html(html)
    pdf.finish()


def write_pdf(report: Any, path: Path | str, lang: str = "fr", sales: bool = False) -> None:
    """The day report (``sales=True``: the seller's sales report) or a MonthReport, as PDF."""
    from .html import line_cells, line_headers, month_html, report_html, shown_lines
    from .labels import t
    from .model import MonthReport

    if isinstance(report, MonthReport):
        html_to_pdf(month_html(report, lang), path, f"pos-app {report.month}")
        return
    pdf = _Pdf(path, f"pos-app {report.day}")
    pdf.html(report_html(report, lang, sales, with_lines=False))
    rows = [line_cells(x, lang) for x in shown_lines(report, sales)]
    pdf.table(t("lines", lang), line_headers(lang), rows, [0.19, 0.13, 0.16, 0.12, 0.13, 0.11, 0.16], {4})
    pdf.finish()
