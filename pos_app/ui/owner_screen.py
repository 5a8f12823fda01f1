"""Gestion (owner, behind a PIN): day ledger with filters, close the day, reports (preview, print, PDF, CSV),
reconciliation explained, settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.money import format_cents
from pos_app.core.timeutil import paris_text, parse_utc_text

from . import pin as pins

FILTERS = ("all", "redemption", "sale", "accepted", "pending_sync", "voided", "conflict", "rejected")


class OwnerScreen(QWidget):
    exported = Signal(str)  # path of a written PDF/CSV
    closed_day = Signal(object)  # Closing
    failed = Signal(str)
    language_chosen = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lines: list[Any] = []
        self.report: Any = None
        self.stack = QStackedWidget()
        QVBoxLayout(self).addWidget(self.stack)
        self._build_lock()
        self._build_tabs()
        self.retranslate()

    # --- lock -----------------------------------------------------------------------------------------
    def _build_lock(self) -> None:
        page = QWidget()
        self.pin_label = QLabel()
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pinEntry")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(12)
        self.pin_label.setBuddy(self.pin_edit)
        self.unlock_button = QPushButton()
        self.pin_message = QLabel()
        form = QFormLayout(page)
        form.addRow(self.pin_label, self.pin_edit)
        form.addRow("", self.unlock_button)
        form.addRow("", self.pin_message)
        self.pin_edit.returnPressed.connect(self.unlock)
        self.unlock_button.clicked.connect(self.unlock)
        self.stack.addWidget(page)

    def unlock(self) -> None:
        if pins.check_pin(self.ctx.till.settings, self.pin_edit.text()):
            self.pin_edit.clear()
            self.pin_message.setText("")
            self.stack.setCurrentIndex(1)
            self.load_day()
        else:
            self.pin_edit.clear()
            self.pin_message.setText(self.tr("Wrong PIN."))

    def lock(self) -> None:
        self.stack.setCurrentIndex(0)

    @property
    def unlocked(self) -> bool:
        return self.stack.currentIndex() == 1

    # --- tabs -----------------------------------------------------------------------------------------
    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        # ledger
        ledger = QWidget()
        self.day_edit = QDateEdit(QDate.currentDate())
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.filter = QComboBox()
        self.table = QTableWidget(0, 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.totals_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.day_edit)
        bar.addWidget(self.filter)
        bar.addStretch(1)
        col = QVBoxLayout(ledger)
        col.addLayout(bar)
        col.addWidget(self.table, 1)
        col.addWidget(self.totals_label)
        self.day_edit.dateChanged.connect(lambda _d: self.load_day())
        self.filter.currentIndexChanged.connect(lambda _i: self._fill_table())
        # reports & closing
        reports = QWidget()
        self.close_button = QPushButton()
        self.confirm_close = QPushButton()
        self.confirm_close.hide()
        self.preview = QTextBrowser()
        self.preview.setObjectName("reportPreview")
        self.print_button = QPushButton()
        self.pdf_button = QPushButton()
        self.csv_button = QPushButton()
        self.report_message = QLabel()
        self.report_message.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.close_button, self.confirm_close, self.print_button, self.pdf_button, self.csv_button):
            row.addWidget(b)
        col = QVBoxLayout(reports)
        col.addLayout(row)
        col.addWidget(self.report_message)
        col.addWidget(self.preview, 1)
        self.close_button.clicked.connect(lambda: (self.confirm_close.show(), self.confirm_close.setFocus()))
        self.confirm_close.clicked.connect(self.close_day)
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button.clicked.connect(lambda: self._ask_export("pdf"))
        self.csv_button.clicked.connect(lambda: self._ask_export("csv"))
        # reconciliation
        recon = QWidget()
        self.recon_button = QPushButton()
        self.recon_text = QTextBrowser()
        col = QVBoxLayout(recon)
        col.addWidget(self.recon_button)
        col.addWidget(self.recon_text, 1)
        self.recon_button.clicked.connect(self.reconcile)
        # settings
        settings = QWidget()
        s = self.ctx.till.settings
        self.offline_allowed = QCheckBox()
        self.offline_allowed.setChecked(bool((s.get("owner_policy") or {}).get("offline_allowed", True)))
        self.offline_cap = QSpinBox()
        self.offline_cap.setRange(0, 100000)
        self.offline_cap.setSuffix(" €")
        cap = (s.get("owner_policy") or {}).get("max_offline_total_cents_per_day")
        self.offline_cap.setValue(int(cap or 0) // 100)
        self.void_window = QSpinBox()
        self.void_window.setRange(0, 3600)
        self.void_window.setSuffix(" s")
        self.void_window.setValue(int(self.ctx.void_window_s))
        self.auto_redeem = QCheckBox()
        self.auto_redeem.setChecked(bool(s.get("ui.auto_redeem", False)))
        self.camera_edit = QLineEdit(str(s.get("ui.camera", "0")))
        self.scanner_gap = QSpinBox()
        self.scanner_gap.setRange(5, 200)
        self.scanner_gap.setSuffix(" ms")
        self.scanner_gap.setValue(int(s.get("ui.scanner_gap_ms", 30)))
        self.language = QComboBox()
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if self.ctx.lang == "fr" else 1)
        self.new_pin = QLineEdit()
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_button = QPushButton()
        self.settings_message = QLabel()
        self.form = QFormLayout(settings)
        self._rows = [self.offline_allowed, self.offline_cap, self.void_window, self.auto_redeem, self.camera_edit,
                      self.scanner_gap, self.language, self.new_pin]
        for w in self._rows:
            self.form.addRow(QLabel(), w)
        self.form.addRow("", self.save_button)
        self.form.addRow("", self.settings_message)
        self.save_button.clicked.connect(self.save_settings)
        self.tabs.addTab(ledger, "")
        self.tabs.addTab(reports, "")
        self.tabs.addTab(recon, "")
        self.tabs.addTab(settings, "")
        self.stack.addWidget(self.tabs)

    # --- ledger ---------------------------------------------------------------------------------------
    def day(self) -> date:
        return self.day_edit.date().toPython()

    def _server(self) -> Any:
        """The central API for the report's reconciliation, unless the till is not configured or held offline."""
        till = self.ctx.till
        return till.api if till.configured and not till.held_offline() else None

    def load_day(self) -> None:
        day = self.day()
        books, lang, server = self.ctx.books, self.ctx.lang, self._server()

        def work() -> tuple[list[Any], Any]:
            return books.day_lines(day), books.reconciled_day_report(day, lang, server)

        self.ctx.runner.run(work, on_done=self._loaded, on_error=lambda e: self.failed.emit(str(e)))

    def _loaded(self, result: tuple[list[Any], Any]) -> None:
        self.lines, self.report = result
        self._fill_table()
        from pos_app.reports.html import report_html

        self.preview.setHtml(report_html(self.report, self.ctx.lang))
        t = self.report.totals
        self.totals_label.setText(self.tr("Kept: %1 · owed by the operator: %2 · sales collected: %3")
                                  .replace("%1", format_cents(t.get("taken_cents", 0), self.ctx.lang))
                                  .replace("%2", format_cents(t.get("owed_by_operator_cents", 0), self.ctx.lang))
                                  .replace("%3", format_cents(t.get("sales_collected_cents", 0), self.ctx.lang)))

    def visible_lines(self) -> list[Any]:
        f = FILTERS[max(0, self.filter.currentIndex())]
        if f == "all":
            return self.lines
        if f in ("redemption", "sale"):
            return [x for x in self.lines if x.kind == f]
        return [x for x in self.lines if x.status == f]

    def _fill_table(self) -> None:
        rows = self.visible_lines()
        self.table.setRowCount(len(rows))
        for r, x in enumerate(rows):
            when = paris_text(parse_utc_text(x.ts_utc)) if x.ts_utc else ""
            cells = [when, self._kind_text(x.kind), x.voucher, x.campaign_id,
                     format_cents(x.amount_cents, self.ctx.lang),
                     self._status_text(x.status) + (f" ({x.mode})" if x.mode == "offline" else "")]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _kind_text(self, kind: str) -> str:
        return self.tr("Redemption") if kind == "redemption" else self.tr("Sale")

    def _status_text(self, status: str) -> str:
        return {"accepted": self.tr("accepted"), "pending_sync": self.tr("waiting to sync"),
                "voided": self.tr("voided"), "conflict": self.tr("conflict"),
                "rejected": self.tr("refused")}.get(status, status)

    # --- closing, reports -----------------------------------------------------------------------------
    def close_day(self) -> None:
        self.confirm_close.hide()
        day = self.day()
        self.ctx.runner.run(self.ctx.books.close_day, day, on_done=self._closed, on_error=self._report_error)

    def _closed(self, closing: Any) -> None:
        self.report_message.setText(self.tr("Day closed. The closing is signed and chained in the ledger."))
        self.closed_day.emit(closing)
        self.load_day()

    def _report_error(self, exc: BaseException) -> None:
        message = getattr(exc, "message_en", "") if self.ctx.lang == "en" else ""
        text = message or str(exc)
        self.report_message.setText(text)
        self.failed.emit(text)

    def _ask_export(self, kind: str) -> None:
        name = f"rapport-{self.day().isoformat()}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), str(Path.home() / name),
                                              "PDF (*.pdf)" if kind == "pdf" else "CSV (*.csv)")
        if path:
            self.export(kind, Path(path))

    def export(self, kind: str, path: Path) -> None:
        """Write the day's report as PDF or CSV in a worker."""
        day, lang, books, server = self.day(), self.ctx.lang, self.ctx.books, self._server()

        def work() -> str:
            report = books.reconciled_day_report(day, lang, server)
            if kind == "pdf":
                from pos_app.reports.pdf import write_pdf

                write_pdf(report, path, lang)
            else:
                from pos_app.reports.csv import write_csv

                write_csv(report, path, lang)
            return str(path)

        self.report_message.setText(self.tr("Exporting…"))
        self.ctx.runner.run(work, on_done=self._exported, on_error=self._report_error)

    def _exported(self, path: str) -> None:
        self.report_message.setText(self.tr("Saved: %1").replace("%1", path))
        self.exported.emit(path)

    def print_report(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            self.preview.document().print_(printer)

    # --- reconciliation -------------------------------------------------------------------------------
    def reconcile(self) -> None:
        day, till = self.day(), self.ctx.till
        self.recon_text.setPlainText(self.tr("Asking the central server…"))
        self.ctx.runner.run(self.ctx.books.reconcile, day, till.api, on_done=self._reconciled,
                            on_error=lambda e: self.recon_text.setPlainText(
                                self.tr("Reconciliation impossible: %1").replace("%1", str(e))))

    def _reconciled(self, recon: Any) -> None:
        counts = recon.counts()
        explain = {"only_here": self.tr("recorded here but unknown to the server (not synced yet?)"),
                   "only_server": self.tr("known to the server but missing here"),
                   "conflict": self.tr("accepted offline but refused by the server: not reimbursed")}
        out = [self.tr("Matched: %1, only here: %2, only on the server: %3, conflicts: %4")
               .replace("%1", str(counts["matched"])).replace("%2", str(counts["only_here"]))
               .replace("%3", str(counts["only_server"])).replace("%4", str(counts["conflict"]))]
        for item in recon.items:
            if item.kind != "matched":
                out.append(f"• {item.serial} {format_cents(item.amount_cents, self.ctx.lang)}: "
                           f"{explain.get(item.kind, item.kind)} {item.note}".rstrip())
        if len(out) == 1:
            out.append(self.tr("No discrepancy."))
        self.recon_text.setPlainText("\n".join(out))

    # --- settings -------------------------------------------------------------------------------------
    def save_settings(self) -> None:
        till = self.ctx.till
        s = till.settings
        cap = self.offline_cap.value() * 100
        till.set_owner_policy(offline_allowed=self.offline_allowed.isChecked(),
                              max_offline_total_cents_per_day=cap or None)
        s.set("ui.void_window_s", self.void_window.value())
        s.set("ui.auto_redeem", self.auto_redeem.isChecked())
        s.set("ui.camera", self.camera_edit.text().strip())
        s.set("ui.scanner_gap_ms", self.scanner_gap.value())
        lang = self.language.currentData()
        s.set("ui.lang", lang)
        if self.new_pin.text():
            if len(self.new_pin.text()) < 4 or not self.new_pin.text().isdigit():
                self.settings_message.setText(self.tr("The PIN must have at least 4 digits."))
                return
            pins.set_pin(s, self.new_pin.text())
            self.new_pin.clear()
        self.settings_message.setText(self.tr("Settings saved."))
        if lang != self.ctx.lang:
            self.language_chosen.emit(lang)

    # --- language -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.pin_label.setText(self.tr("Owner &PIN:"))
        self.unlock_button.setText(self.tr("Unlock"))
        self.tabs.setTabText(0, self.tr("Ledger"))
        self.tabs.setTabText(1, self.tr("Closing && reports"))
        self.tabs.setTabText(2, self.tr("Reconciliation"))
        self.tabs.setTabText(3, self.tr("Settings"))
        for i, text in enumerate([self.tr("All"), self.tr("Redemptions"), self.tr("Sales"), self.tr("Accepted"),
                                  self.tr("Waiting to sync"), self.tr("Voided"), self.tr("Conflicts"),
                                  self.tr("Refused")]):
            if self.filter.count() <= i:
                self.filter.addItem(text)
            else:
                self.filter.setItemText(i, text)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Type"), self.tr("Voucher"),
                                              self.tr("Campaign"), self.tr("Amount"), self.tr("Status")])
        self.close_button.setText(self.tr("Close the day…"))
        self.confirm_close.setText(self.tr("Confirm: close the day (irreversible)"))
        self.print_button.setText(self.tr("Print…"))
        self.pdf_button.setText(self.tr("Export PDF…"))
        self.csv_button.setText(self.tr("Export CSV…"))
        self.recon_button.setText(self.tr("Reconcile with the central server"))
        labels = [self.tr("Accept offline"), self.tr("Offline cap per day (0 = operator's)"),
                  self.tr("Undo window"), self.tr("Redeem automatically on scan"), self.tr("Camera (index or URL)"),
                  self.tr("Scanner max key gap"), self.tr("Language"), self.tr("New PIN")]
        for w, text in zip(self._rows, labels, strict=True):
            label = self.form.labelForField(w)
            if isinstance(label, QLabel):
                label.setText(text)
        self.save_button.setText(self.tr("Save settings"))
        if self.lines:
            self._fill_table()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear(self) -> None:
        self.pin_edit.clear()

    def focus_entry(self) -> None:
        if not self.unlocked:
            self.pin_edit.setFocus()
