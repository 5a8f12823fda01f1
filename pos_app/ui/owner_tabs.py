"""Gestion's ledger tab (the day's lines, filters, totals) and reconciliation tab (what the server says)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from voucher_core.money import format_cents
from voucher_core.timeutil import paris_text, parse_utc_text
from voucher_core.verdicts import Mode

from . import words

FILTERS = ("all", "redemption", "sale", "accepted", "pending_sync", "voided", "conflict", "rejected")


class LedgerTab(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lines: list[Any] = []
        self.report: Any = None
        self.filter = QComboBox()
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("ledgerTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.totals_label = QLabel()
        self.totals_label.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.filter)
        bar.addStretch(1)
        col = QVBoxLayout(self)
        col.addLayout(bar)
        col.addWidget(self.table, 1)
        col.addWidget(self.totals_label)
        self.filter.currentIndexChanged.connect(lambda _i: self._fill_table())
        self.retranslate()

    def show_day(self, lines: list[Any], report: Any) -> None:
        self.lines, self.report = lines, report
        self._fill_table()
        self._show_totals()

    def _show_totals(self) -> None:
        if self.report is None:
            return
        t, lang = self.report.totals, self.ctx.lang
        self.totals_label.setText(self.tr("Kept: %1 · owed by the operator: %2 · sales collected: %3")
                                  .replace("%1", format_cents(t.get("taken_cents", 0), lang))
                                  .replace("%2", format_cents(t.get("owed_by_operator_cents", 0), lang))
                                  .replace("%3", format_cents(t.get("sales_collected_cents", 0), lang)))

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
                     self._status_text(x.status) + (" " + self.tr("(offline)") if x.mode == Mode.OFFLINE else "")]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _kind_text(self, kind: str) -> str:
        return self.tr("Redemption") if kind == "redemption" else self.tr("Sale")

    def _status_text(self, status: str) -> str:
        known = {"accepted": self.tr("accepted"), "pending_sync": self.tr("waiting to sync"),
                 "voided": self.tr("voided"), "conflict": self.tr("conflict"), "rejected": self.tr("refused")}
        return known.get(status) or words.say(status)

    def retranslate(self) -> None:
        for i, text in enumerate([self.tr("All"), self.tr("Redemptions"), self.tr("Sales"), self.tr("Accepted"),
                                  self.tr("Waiting to sync"), self.tr("Voided"), self.tr("Conflicts"),
                                  self.tr("Refused")]):
            if self.filter.count() <= i:
                self.filter.addItem(text)
            else:
                self.filter.setItemText(i, text)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Type"), self.tr("Voucher"),
                                              self.tr("Campaign"), self.tr("Amount"), self.tr("Status")])
        if self.lines:
            self._fill_table()
        self._show_totals()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ReconTab(QWidget):
    """Asks the central server what it recorded for the day and explains each difference."""

    def __init__(self, ctx: Any, day: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.day = ctx, day
        self.recon_button = QPushButton()
        self.recon_text = QTextBrowser()
        self.recon_text.setObjectName("reconText")
        col = QVBoxLayout(self)
        col.addWidget(self.recon_button)
        col.addWidget(self.recon_text, 1)
        self.recon_button.clicked.connect(self.reconcile)
        self.retranslate()

    def reconcile(self) -> None:
        till = self.ctx.till
        self.recon_text.setPlainText(self.tr("Asking the central server…"))
        self.ctx.runner.run(self.ctx.books.reconcile, self.day(), till.api, on_done=self._reconciled,
                            on_error=lambda e: self.recon_text.setPlainText(
                                self.tr("Reconciliation impossible: %1").replace("%1", words.say_error(e))))

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
                           f"{explain.get(item.kind) or words.say(item.kind)}"
                           + (f" ({words.say(item.note)})" if item.note else ""))
        if len(out) == 1:
            out.append(self.tr("No discrepancy."))
        self.recon_text.setPlainText("\n".join(out))

    def retranslate(self) -> None:
        self.recon_button.setText(self.tr("Reconcile with the central server"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
