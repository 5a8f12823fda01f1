"""Vente (tobacconist): scan a voucher card, collect the price, then "Cash received" sells (activates) it and
shows a receipt.

The scan only checks the card (``till.sales.check``, nothing recorded), so a customer who walks away leaves
nothing behind: "Cancel sale" just forgets it. Once sold, "Cancel sale" voids the sale (``till.sales.void_last``,
within the void window) and the money goes back."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from pos_app.core.money import format_cents
from pos_app.core.timeutil import paris_text, utc_now


class SellerScreen(QWidget):
    sold = Signal(object)  # SaleOutcome

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outcome: Any = None
        self.pending: str | None = None  # the card checked and waiting for the cash
        self.paid = False
        self.totals = (0, 0, 0)  # count, collected, owed
        self.code = QLineEdit()
        self.code.setObjectName("saleEntry")
        self.code_label = QLabel()
        self.code_label.setBuddy(self.code)
        self.sell_button = QPushButton()
        self.result = QLabel()
        self.result.setObjectName("saleResult")
        self.result.setWordWrap(True)
        self.cash_button = QPushButton()
        self.cash_button.setEnabled(False)
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.receipt = QTextBrowser()
        self.print_button = QPushButton()
        self.print_button.setEnabled(False)
        self.today_label = QLabel()
        self.today_label.setObjectName("salesToday")
        top = QHBoxLayout()
        top.addWidget(self.code_label)
        top.addWidget(self.code, 1)
        top.addWidget(self.sell_button)
        actions = QHBoxLayout()
        actions.addWidget(self.cash_button, 2)
        actions.addWidget(self.cancel_button, 1)
        actions.addWidget(self.print_button, 1)
        col = QVBoxLayout(self)
        col.addLayout(top)
        col.addWidget(self.result)
        col.addLayout(actions)
        col.addWidget(self.receipt, 1)
        col.addWidget(self.today_label)
        self.code.returnPressed.connect(self.sell_typed)
        self.sell_button.clicked.connect(self.sell_typed)
        self.cash_button.clicked.connect(self.confirm_cash)
        self.cancel_button.clicked.connect(self.cancel_sale)
        self.print_button.clicked.connect(self.print_receipt)
        self.retranslate()

    def sell_typed(self) -> None:
        text = self.code.text().strip()
        if text:
            self.code.clear()
            self.on_code(text)

    def on_code(self, text: str) -> None:
        """A card scanned or typed: check it (in a worker); nothing is recorded before the cash."""
        self.outcome, self.paid, self.pending = None, False, text
        self.cash_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.receipt.clear()
        self.result.setStyleSheet("")
        self.result.setText(self.tr("Checking…"))
        self.ctx.runner.run(self.ctx.till.sales.check, text, on_done=self._checked, on_error=self._failed)

    def _checked(self, outcome: Any) -> None:
        self.outcome = outcome
        if outcome.ok:
            self.result.setStyleSheet("color:#1b7f2a;font-size:22pt;font-weight:bold")
            self.result.setText(self.tr("✓ Collect %1 — face value %2").replace(
                "%1", format_cents(outcome.price_cents or 0, self.ctx.lang)).replace(
                "%2", format_cents(outcome.face_value_cents or 0, self.ctx.lang)))
            self.cash_button.setEnabled(True)
            self.cancel_button.setEnabled(True)
            self.cash_button.setFocus()
        else:
            self.pending = None
            self.ctx.sounds.play("refused")
            self.result.setStyleSheet("color:#b3121f;font-size:18pt;font-weight:bold")
            self.result.setText(self.tr("✗ Not sold: %1").replace("%1", outcome.message))

    def confirm_cash(self) -> None:
        """The price is in the drawer: sell (activate) the card now."""
        if self.pending is None or self.outcome is None or not self.outcome.ok:
            return
        self.cash_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.result.setText(self.tr("Selling…"))
        self.ctx.runner.run(self.ctx.till.sales.sell, self.pending, on_done=self._sold, on_error=self._failed)

    def _sold(self, outcome: Any) -> None:
        self.outcome, self.pending = outcome, None
        self.sold.emit(outcome)
        if outcome.ok:
            self.paid = True
            self.ctx.sounds.play("accepted")
            self.result.setStyleSheet("color:#1b7f2a;font-size:22pt;font-weight:bold")
            self.result.setText(self.tr("✓ Paid. Receipt below."))
            self.receipt.setHtml(self.receipt_html(outcome))
            self.print_button.setEnabled(True)
            self.cancel_button.setEnabled(True)  # now a void: the money goes back
        else:
            self.ctx.sounds.play("refused")
            self.result.setStyleSheet("color:#b3121f;font-size:18pt;font-weight:bold")
            self.result.setText(self.tr("✗ Not sold: %1 — give the money back.").replace("%1", outcome.message))
        self.refresh_today()

    def _failed(self, exc: BaseException) -> None:
        self.result.setStyleSheet("color:#b85c00;font-weight:bold")
        self.result.setText(self.tr("! Problem — try again: %1").replace("%1", str(exc)))
        if self.pending is not None and self.outcome is not None and self.outcome.ok:
            self.cash_button.setEnabled(True)  # nothing was sold: the same card can be tried again
            self.cancel_button.setEnabled(True)

    def receipt_html(self, o: Any) -> str:
        title = html.escape(self.tr("Receipt — voucher sale"))
        lang = self.ctx.lang
        rows = [(self.tr("Shop"), self.ctx.till.merchant_name), (self.tr("Date"), paris_text(utc_now())),
                (self.tr("Voucher"), o.serial or ""),
                (self.tr("Face value"), format_cents(o.face_value_cents or 0, lang)),
                (self.tr("Price paid"), format_cents(o.price_cents or 0, lang)),
                (self.tr("Reference"), (o.idempotency_key or "")[:12])]
        body = "".join(f"<tr><td>{html.escape(a)}</td><td><b>{html.escape(str(b))}</b></td></tr>" for a, b in rows)
        return f"<h2>{title}</h2><table>{body}</table>"

    def print_receipt(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec():
            self.receipt.document().print_(printer)

    def cancel_sale(self) -> None:
        """Before the cash: forget the card (nothing was recorded). After the sale: void it."""
        self.cash_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        if not self.paid:
            self.outcome, self.pending = None, None
            self.result.setStyleSheet("")
            self.result.setText(self.tr("Sale cancelled: nothing was recorded."))
            return
        self.print_button.setEnabled(False)
        self.ctx.runner.run(self.ctx.till.sales.void_last, on_done=self._cancelled, on_error=self._failed)

    def _cancelled(self, outcome: Any) -> None:
        self.outcome, self.paid = None, False
        self.receipt.clear()
        self.result.setStyleSheet("")
        self.result.setText(outcome.message)
        self.refresh_today()

    def refresh_today(self) -> None:
        def work() -> tuple[int, int, int]:
            from pos_app.core import daybook

            books = self.ctx.books
            lines = [x for x in books.day_lines(books.open_business_day()) if x.kind == daybook.SALE]
            t = daybook.totals(lines)
            kept = [x for x in lines if x.status in (daybook.ACCEPTED, daybook.PENDING, daybook.CONFLICT)]
            return len(kept), t["sales_collected_cents"], t["owed_to_operator_cents"]

        self.ctx.runner.run(work, on_done=self._show_today)

    def _show_today(self, totals: tuple[int, int, int]) -> None:
        self.totals = totals
        self.today_label.setText(self.tr("Today: %1 card(s) sold, %2 collected, %3 owed to the operator")
                                 .replace("%1", str(totals[0])).replace("%2", format_cents(totals[1], self.ctx.lang))
                                 .replace("%3", format_cents(totals[2], self.ctx.lang)))

    def retranslate(self) -> None:
        self.code_label.setText(self.tr("&Card:"))
        self.code.setPlaceholderText(self.tr("Scan the card or type its number"))
        self.sell_button.setText(self.tr("Sell"))
        self.cash_button.setText(self.tr("Cash received"))
        self.cancel_button.setText(self.tr("Cancel sale"))
        self.print_button.setText(self.tr("Print receipt"))
        self._show_today(self.totals)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear(self) -> None:
        self.code.clear()

    def focus_entry(self) -> None:
        self.code.setFocus()
