"""Gestion (owner, behind a PIN): the day chosen at the top, then tabs for the ledger, closing and reports,
reconciliation and settings (one module each). The first opening asks the owner to choose the PIN."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from . import pin as pins
from . import words
from .owner_reports import ReportsTab
from .owner_settings import SettingsTab
from .owner_tabs import LedgerTab, ReconTab
from .pin_pages import PinLockPage, PinSetupPage

LOCK, SETUP, OPEN = 0, 1, 2


class OwnerScreen(QWidget):
    exported = Signal(str)  # path of a written PDF/CSV
    closed_day = Signal(object)  # Closing
    failed = Signal(str)
    language_chosen = Signal(str)
    settings_saved = Signal()
    opened = Signal()
    day_loaded = Signal()  # the ledger and the report of the chosen day are on screen

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lock_page = PinLockPage(ctx)
        self.setup_page = PinSetupPage(ctx)
        self.day_label = QLabel()
        self.day_edit = QDateEdit(QDate.currentDate())
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.day_label.setBuddy(self.day_edit)
        self.ledger = LedgerTab(ctx)
        self.reports = ReportsTab(ctx, self.day, self.server)
        self.recon = ReconTab(ctx, self.day)
        self.settings = SettingsTab(ctx)
        self.tabs = QTabWidget()
        for tab in (self.ledger, self.reports, self.recon, self.settings):
            self.tabs.addTab(tab, "")
        inside = QWidget()
        bar = QHBoxLayout()
        bar.addWidget(self.day_label)
        bar.addWidget(self.day_edit)
        bar.addStretch(1)
        col = QVBoxLayout(inside)
        col.addLayout(bar)
        col.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        for page in (self.lock_page, self.setup_page, inside):
            self.stack.addWidget(page)
        QVBoxLayout(self).addWidget(self.stack)
        self.lock_page.unlocked.connect(self._open)
        self.setup_page.done.connect(self._open)
        self.day_edit.dateChanged.connect(lambda _d: self._day_changed())
        self.reports.exported.connect(self.exported.emit)
        self.reports.failed.connect(self.failed.emit)
        self.reports.closed_day.connect(self._closed)
        self.settings.saved.connect(self.settings_saved.emit)
        self.settings.language_chosen.connect(self.language_chosen.emit)
        self.retranslate()

    # --- the doors ------------------------------------------------------------------------------------
    @property
    def pin_edit(self) -> Any:
        return self.lock_page.pin_edit

    @property
    def pin_message(self) -> Any:
        return self.lock_page.pin_message

    def lock(self) -> None:
        """Closed again (leaving Gestion); the PIN set-up page when the till has no PIN yet."""
        self.stack.setCurrentIndex(LOCK)
        self.ctx.runner.run(pins.has_pin, self.ctx.till.settings, on_done=self._door)

    def _door(self, has_pin: bool) -> None:
        if self.stack.currentIndex() != OPEN:
            self.stack.setCurrentIndex(LOCK if has_pin else SETUP)
            if self.isVisible():  # Gestion is in front: its field takes the keys
                self.focus_entry()

    @property
    def unlocked(self) -> bool:
        return self.stack.currentIndex() == OPEN

    def unlock(self) -> None:
        self.lock_page.unlock()

    def _open(self) -> None:
        self.stack.setCurrentIndex(OPEN)
        books = self.ctx.books
        self.ctx.runner.run(books.open_business_day, on_done=self._show_open_day)

    def _show_open_day(self, day: date) -> None:
        """Gestion opens on the till's open business day (the one Caisse and Vente count)."""
        if self.day_edit.date().toPython() == day:
            self.load_day()
        else:
            self.day_edit.setDate(QDate(day.year, day.month, day.day))
        self.opened.emit()

    # --- the day --------------------------------------------------------------------------------------
    def day(self) -> date:
        chosen = self.day_edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def server(self) -> Any:
        """The central API for the report's reconciliation, unless the till is not configured or held offline. Called
        in the worker: it reads the till's settings (the GUI thread does no disk work)."""
        till = self.ctx.till
        return till.api if till.configured and not till.network.held_offline() else None

    def _day_changed(self) -> None:
        self.reports.day_changed()
        self.load_day()

    def load_day(self) -> None:
        day = self.day()
        books, lang, server = self.ctx.books, self.ctx.lang, self.server

        def work() -> tuple[list[Any], Any]:
            return books.day_lines(day), books.reconciled_day_report(day, lang, server())

        self.ctx.runner.run(work, on_done=self._loaded, on_error=lambda e: self.failed.emit(words.say_error(e)))

    def _loaded(self, result: tuple[list[Any], Any]) -> None:
        from pos_app.reports.html import report_html

        lines, report = result
        self.ledger.show_day(lines, report)
        self.reports.show_report(report_html(report, self.ctx.lang))
        self.day_loaded.emit()

    def _closed(self, closing: Any) -> None:
        self.closed_day.emit(closing)
        self.load_day()

    # --- shortcuts used by the window and tests -------------------------------------------------------
    def export(self, kind: str, path: Any) -> None:
        self.reports.export(kind, path)

    def retranslate(self) -> None:
        self.day_label.setText(self.tr("&Day:"))
        for i, text in enumerate((self.tr("Ledger"), self.tr("Closing && reports"), self.tr("Reconciliation"),
                                  self.tr("Settings"))):
            self.tabs.setTabText(i, text)
        # On screen, the report's words follow the language at once. Hidden, it is not reloaded: leaving Gestion
        # locks it and opening it reloads the day anyway (and a hidden screen may outlive its till's store).
        if self.isVisible() and self.unlocked and self.ledger.report is not None and self.reports.preview.toPlainText():
            self.load_day()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear(self) -> None:
        self.pin_edit.clear()

    def focus_entry(self) -> None:
        if self.stack.currentIndex() == LOCK:
            self.pin_edit.setFocus()
        elif self.stack.currentIndex() == SETUP:
            self.setup_page.new_pin.setFocus()
