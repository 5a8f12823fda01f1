"""Gestion's closing and reports tab: close the day (a confirmation naming it), preview, print, PDF and CSV
(saved where the last file went, the documents folder at first)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, QSettings, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from . import words
from .dialogs import ask_save_path


def day_name(day: date) -> str:
    """"lundi 30/11/2026" / "Monday 30/11/2026", in the installed language."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "dddd dd/MM/yyyy")


class ReportsTab(QWidget):
    exported = Signal(str)
    closed_day = Signal(object)  # Closing
    failed = Signal(str)

    def __init__(self, ctx: Any, day: Callable[[], date], server: Callable[[], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.day, self.server = ctx, day, server
        self.ui_settings = QSettings(str(ctx.till.home / "ui.ini"), QSettings.Format.IniFormat)
        self.close_button = QPushButton()
        self.close_button.setObjectName("closeDay")
        self.confirm_close = QPushButton()
        self.confirm_close.setObjectName("confirmClose")
        self.confirm_close.hide()
        self.preview = QTextBrowser()
        self.preview.setObjectName("reportPreview")
        self.print_button = QPushButton()
        self.pdf_button = QPushButton()
        self.csv_button = QPushButton()
        self.report_message = QLabel()
        self.report_message.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.close_button, self.print_button, self.pdf_button, self.csv_button):
            row.addWidget(b)
        col = QVBoxLayout(self)
        col.addLayout(row)
        col.addWidget(self.confirm_close)
        col.addWidget(self.report_message)
        col.addWidget(self.preview, 1)
        self.close_button.clicked.connect(self.ask_close)
        self.confirm_close.clicked.connect(self.close_day)
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button.clicked.connect(lambda: self.ask_export("pdf"))
        self.csv_button.clicked.connect(lambda: self.ask_export("csv"))
        self.retranslate()

    def show_report(self, html: str) -> None:
        self.preview.setHtml(html)

    def day_changed(self) -> None:
        self.confirm_close.hide()  # a confirmation is for the day it names

    # --- closing --------------------------------------------------------------------------------------
    def ask_close(self) -> None:
        self._confirm_text()
        self.confirm_close.show()
        self.confirm_close.setFocus()

    def _confirm_text(self) -> None:
        self.confirm_close.setText(self.tr("Confirm: close %1 (irreversible)").replace("%1", day_name(self.day())))

    def close_day(self) -> None:
        self.confirm_close.hide()
        self.ctx.runner.run(self.ctx.books.close_day, self.day(), on_done=self._closed, on_error=self.report_error)

    def _closed(self, closing: Any) -> None:
        self.report_message.setText(self.tr("%1 is closed. The closing is signed and chained in the ledger.")
                                    .replace("%1", day_name(self.day())))
        self.closed_day.emit(closing)

    def report_error(self, exc: BaseException) -> None:
        text = words.say_error(exc)
        self.report_message.setText(text)
        self.failed.emit(text)

    # --- export, print --------------------------------------------------------------------------------
    def ask_export(self, kind: str) -> None:
        name = f"{self.tr('report')}-{self.day().isoformat()}.{kind}"
        path = ask_save_path(self, self.ui_settings, self.tr("Export"), name,
                             "PDF (*.pdf)" if kind == "pdf" else "CSV (*.csv)")
        if path is not None:
            self.export(kind, path)

    def export(self, kind: str, path: Path) -> None:
        """Write the day's report as PDF or CSV in a worker."""
        day, lang, books, server = self.day(), self.ctx.lang, self.ctx.books, self.server

        def work() -> str:
            report = books.reconciled_day_report(day, lang, server())  # server() reads settings: not on the GUI
            if kind == "pdf":
                from pos_app.reports.pdf import write_pdf

                write_pdf(report, path, lang)
            else:
                from pos_app.reports.csv import write_csv

                write_csv(report, path, lang)
            return str(path)

        self.report_message.setText(self.tr("Exporting…"))
        self.ctx.runner.run(work, on_done=self._exported, on_error=self.report_error)

    def _exported(self, path: str) -> None:
        self.report_message.setText(self.tr("Saved: %1").replace("%1", path))
        self.exported.emit(path)

    def print_report(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            self.preview.document().print_(printer)

    def retranslate(self) -> None:
        self.close_button.setText(self.tr("Close the day…"))
        self._confirm_text()
        self.print_button.setText(self.tr("Print…"))
        self.pdf_button.setText(self.tr("Export PDF…"))
        self.csv_button.setText(self.tr("Export CSV…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
