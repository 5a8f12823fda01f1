"""Vente (tobacconist): scan a voucher card, collect the price, then "Cash received" sells (activates) it and
shows a receipt.

The scan only checks the card (``till.sales.check``, nothing recorded), so a customer who walks away leaves
nothing behind: "Cancel sale" just forgets it. Once sold, "Cancel sale" voids the sale (``till.sales.void_last``,
within the void window) and the money goes back. The card and the receipt stay on screen until the tobacconist
moves on (Esc, or types or scans another card with the USB scanner): the camera alone never replaces them."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from voucher_core.money import format_cents
from voucher_core.timeutil import paris_text, utc_now

from . import words
from .keys import TillKeys

GREEN, RED, ORANGE = "color:#1b7f2a;font-size:22pt;font-weight:bold", "color:#b3121f;font-size:18pt;font-weight:bold", \
    "color:#b85c00;font-weight:bold"


class SellerScreen(QWidget):
    sold = Signal(object)  # SaleOutcome

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outcome: Any = None
        self.pending: str | None = None  # the card checked and waiting for the cash
        self.paid = False
        self._seq = 0  # number of the latest check: older answers are dropped
        self.totals: tuple[Any, ...] = (None, 0, 0, 0)  # day, count, collected, owed
        self._build()
        self.retranslate()

    def _build(self) -> None:
        self.code = QLineEdit()
        self.code.setObjectName("saleEntry")
        self.keys = TillKeys(self.code)
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
        self.receipt.setObjectName("receipt")
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
        self.code.returnPressed.connect(self.enter)
        self.sell_button.clicked.connect(self.sell_typed)
        self.cash_button.clicked.connect(self.confirm_cash)
        self.cancel_button.clicked.connect(self.cancel_sale)
        self.print_button.clicked.connect(self.print_receipt)

    def _say(self, style: str, text: str) -> None:
        self.result.setStyleSheet(style)
        self.result.setText(text)

    def enter(self) -> None:
        """Enter: a typed number is checked; with the field empty, a checked card is sold (cash received)."""
        if self.code.text().strip():
            self.sell_typed()
        elif self.cash_button.isEnabled():
            self.confirm_cash()

    def sell_typed(self) -> None:
        text = self.code.text().strip()
        if text:
            self.code.clear()
            self.on_code(text)

    def busy_with_card(self) -> bool:
        """A card waits for its cash, is being sold, or its receipt is on screen."""
        return self.pending is not None or self.paid

    def on_code(self, text: str, source: str = "typed") -> bool:
        """A card scanned or typed: check it (in a worker); nothing is recorded before the cash. The camera
        never replaces a card or a receipt on screen; False when the code was not taken."""
        if source == "camera" and self.busy_with_card():
            return False
        self._seq += 1
        seq = self._seq
        self.outcome, self.paid, self.pending = None, False, text
        self.cash_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.receipt.clear()
        self._say("", self.tr("Checking…"))
        self.ctx.runner.run(self.ctx.till.sales.check, text, on_done=lambda o: self._checked(seq, o),
                            on_error=lambda e: self._failed(e, seq))
        return True

    def card_name(self, outcome: Any) -> str:
        return outcome.serial or self.pending or ""

    def refusal(self, outcome: Any) -> str:
        """Why a card was not sold, naming it: the verdict's words, then the finer reason when it adds one."""
        text = words.say(outcome.verdict)
        if outcome.reason and outcome.reason != outcome.verdict:
            text += " — " + words.say(outcome.reason)
        return self.tr("card %1: %2").replace("%1", self.card_name(outcome)).replace("%2", text)

    def _checked(self, seq: int, outcome: Any) -> None:
        if seq != self._seq:
            return
        self.outcome = outcome
        if outcome.ok:
            self._say(GREEN, self.tr("✓ Card %1: collect %2 — face value %3").replace("%1", self.card_name(outcome))
                      .replace("%2", format_cents(outcome.price_cents or 0, self.ctx.lang))
                      .replace("%3", format_cents(outcome.face_value_cents or 0, self.ctx.lang)))
            self.cash_button.setEnabled(True)
            self.cancel_button.setEnabled(True)
            self.cash_button.setFocus()
        else:
            self.ctx.sounds.play("refused")
            self._say(RED, self.tr("✗ Not sold: %1").replace("%1", self.refusal(outcome)))
            self.pending = None

    def confirm_cash(self) -> None:
        """The price is in the drawer: sell (activate) the card now."""
        if self.pending is None or self.outcome is None or not self.outcome.ok:
            return
        self.cash_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self._say(self.result.styleSheet(), self.tr("Selling…"))
        self._seq += 1
        seq = self._seq
        self.ctx.runner.run(self.ctx.till.sales.sell, self.pending, on_done=self._sold,
                            on_error=lambda e: self._failed(e, seq))

    def _sold(self, outcome: Any) -> None:
        self.outcome, self.pending = outcome, None
        self.sold.emit(outcome)
        if outcome.ok:
            self.paid = True
            self.ctx.sounds.play("accepted")
            extra = " " + words.say(outcome.reason) if outcome.reason else ""
            self._say(GREEN, self.tr("✓ Card %1 sold. Receipt below.").replace("%1", outcome.serial or "") + extra)
            self.receipt.setHtml(self.receipt_html(outcome))
            self.print_button.setEnabled(True)
            self.cancel_button.setEnabled(True)  # now a void: the money goes back
        else:
            self.ctx.sounds.play("refused")
            self._say(RED, self.tr("✗ Not sold: %1 — give the money back.").replace("%1", self.refusal(outcome)))
        self.refresh_today()

    def _failed(self, exc: BaseException, seq: int) -> None:
        if seq != self._seq:
            return
        self._say(ORANGE, self.tr("! Problem — try again: %1").replace("%1", words.say_error(exc)))
        if self.pending is not None and self.outcome is not None and self.outcome.ok:
            self.cash_button.setEnabled(True)  # nothing was sold: the same card can be tried again
            self.cancel_button.setEnabled(True)
        elif self.outcome is None:
            self.pending = None

    def receipt_html(self, o: Any) -> str:
        title = html.escape(self.tr("Receipt — voucher sale"))
        lang = self.ctx.lang

        def day(d: date | None) -> str:
            return d.strftime("%d/%m/%Y") if d else ""

        rows = [(self.tr("Shop"), self.ctx.till.identity.merchant_name), (self.tr("Date"), paris_text(utc_now())),
                (self.tr("Voucher"), o.serial or ""), (self.tr("Campaign"), o.campaign_name or ""),
                (self.tr("Valid"), self.tr("from %1 to %2").replace("%1", day(o.valid_from))
                 .replace("%2", day(o.valid_until)) if o.valid_until else ""),
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

    def undo(self) -> None:
        """Ctrl+Z: the same as "Cancel sale" while it is allowed."""
        if self.cancel_button.isEnabled():
            self.cancel_sale()

    def cancel_sale(self) -> None:
        """Before the cash: forget the card (nothing was recorded). After the sale: void it."""
        self.cash_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self._seq += 1
        if not self.paid:
            self.outcome, self.pending = None, None
            self._say("", self.tr("Sale cancelled: nothing was recorded."))
            return
        self.print_button.setEnabled(False)
        self.ctx.runner.run(self.ctx.till.sales.void_last, on_done=self._cancelled,
                            on_error=lambda e: self._say(ORANGE, words.say_error(e)))

    def _cancelled(self, outcome: Any) -> None:
        self.outcome, self.paid = None, False
        self.receipt.clear()
        if outcome.ok:
            text = self.tr("Sale of card %1 cancelled: give back %2.").replace("%1", outcome.serial or "").replace(
                "%2", format_cents(outcome.price_cents or 0, self.ctx.lang))
            self._say("", text + (" " + words.say(outcome.reason) if outcome.reason else ""))
        else:
            self._say(RED, self.tr("Not cancelled: %1").replace("%1", words.say(outcome.reason or outcome.verdict)))
        self.refresh_today()

    def refresh_today(self) -> None:
        def work() -> tuple[Any, ...]:
            from pos_app.core import daybook

            books = self.ctx.books
            day = books.open_business_day()
            lines = [x for x in books.day_lines(day) if x.kind == daybook.SALE]
            t = daybook.totals(lines)
            kept = [x for x in lines if x.status in (daybook.ACCEPTED, daybook.PENDING, daybook.CONFLICT)]
            return day, len(kept), t["sales_collected_cents"], t["owed_to_operator_cents"]

        self.ctx.runner.run(work, on_done=self._show_today)

    def _show_today(self, totals: tuple[Any, ...]) -> None:
        self.totals = totals
        day, count, collected, owed = totals
        when = day.strftime("%d/%m/%Y") if day else "…"
        self.today_label.setText(self.tr("Day of %1: %2 card(s) sold, %3 collected, %4 owed to the operator")
                                 .replace("%1", when).replace("%2", str(count))
                                 .replace("%3", format_cents(collected, self.ctx.lang))
                                 .replace("%4", format_cents(owed, self.ctx.lang)))

    def retranslate(self) -> None:
        self.code_label.setText(self.tr("&Card:"))
        self.code.setPlaceholderText(self.tr("Scan the card or type its number"))
        self.sell_button.setText(self.tr("Check"))
        self.cash_button.setText(self.tr("Cash received (Enter)"))
        self.cancel_button.setText(self.tr("Cancel sale (Ctrl+Z)"))
        self.print_button.setText(self.tr("Print receipt"))
        self._show_today(self.totals)
        if self.paid and self.outcome is not None:
            self.receipt.setHtml(self.receipt_html(self.outcome))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear(self) -> None:
        """Esc: the tobacconist moves on. A card waiting for cash is forgotten, a receipt put away."""
        self.code.clear()
        self._seq += 1
        if self.pending is not None or self.paid:
            self.outcome, self.pending, self.paid = None, None, False
            self.cash_button.setEnabled(False)
            self.cancel_button.setEnabled(False)
            self.print_button.setEnabled(False)
            self.receipt.clear()
            self._say("", self.tr("Ready for the next card."))

    def focus_entry(self) -> None:
        self.code.setFocus()
