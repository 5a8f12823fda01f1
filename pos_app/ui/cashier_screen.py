"""Caisse: camera preview, manual entry, the verdict panel, redeem / undo, today's count and total."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.core.money import format_cents
from pos_app.core.verdicts import Verdict
from pos_app.scanning.manual import EntryState, ManualEntry

from .camera_view import CameraView
from .verdict_panel import VerdictPanel


class CashierScreen(QWidget):
    """Slots read input, call a till service in a worker and show the result."""

    redeemed = Signal(object)  # RedemptionOutcome after a redemption (tests, status refresh)
    checked = Signal(object)  # VerdictDetail after a check

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx  # AppContext: till, books, runner, sounds, lang
        self.pending_code: str | None = None  # the code last checked accepted, waiting for Enter
        self.entry = ManualEntry()
        self.today = (0, 0)
        self.last_void_message = ""

        self.camera = CameraView()
        self.panel = VerdictPanel(lang=ctx.lang)
        self.manual = QLineEdit()
        self.manual.setObjectName("manualEntry")
        self.manual.setClearButtonEnabled(True)
        self.hint = QLabel()
        self.hint.setObjectName("entryHint")
        self.redeem_button = QPushButton()
        self.redeem_button.setObjectName("redeemButton")
        self.redeem_button.setEnabled(False)
        self.undo_button = QPushButton()
        self.undo_button.setEnabled(False)
        self.today_label = QLabel()
        self.today_label.setObjectName("todayLabel")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.entry_label = QLabel()
        self.entry_label.setBuddy(self.manual)

        left = QVBoxLayout()
        left.addWidget(self.camera, 1)
        right = QVBoxLayout()
        right.addWidget(self.panel, 3)
        form = QGridLayout()
        form.addWidget(self.entry_label, 0, 0)
        form.addWidget(self.manual, 0, 1)
        form.addWidget(self.hint, 1, 1)
        right.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.redeem_button, 2)
        buttons.addWidget(self.undo_button, 1)
        right.addLayout(buttons)
        right.addWidget(self.info)
        right.addWidget(self.today_label)
        row = QHBoxLayout(self)
        row.addLayout(left, 2)
        row.addLayout(right, 3)

        self.manual.textChanged.connect(self._typed)
        self.manual.returnPressed.connect(self._enter)
        self.redeem_button.clicked.connect(self.redeem_pending)
        self.undo_button.clicked.connect(self.undo_last)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setEnabled(False))
        self.retranslate()

    # --- input ----------------------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        status = self.entry.set_text(text)
        self.hint.setText(status.message if text else "")
        colour = {EntryState.VALID: "#1b7f2a", EntryState.INVALID: "#b3121f"}.get(status.state, "#555555")
        self.hint.setStyleSheet(f"color:{colour}")

    def _enter(self) -> None:
        text = self.manual.text().strip()
        if text:
            if self.entry.status.state is EntryState.INVALID:
                return  # the hint already says what is wrong
            self.manual.clear()
            self.on_code(self.entry.status.serial or text)
        elif self.pending_code:
            self.redeem_pending()

    def clear(self) -> None:
        """Esc: forget the typed text and the pending voucher."""
        self.manual.clear()
        self.pending_code = None
        self.redeem_button.setEnabled(False)
        self.panel.show_idle()

    def on_code(self, text: str) -> None:
        """A code from the camera, the USB scanner or the keyboard: check it (or redeem it at once)."""
        self.pending_code = None
        self.redeem_button.setEnabled(False)
        self.panel.show_busy(text if len(text) < 40 else "")
        if self.ctx.auto_redeem:
            self._redeem(text)
        else:
            self.ctx.runner.run(self.ctx.till.redemptions.check, text,
                                on_done=lambda d, t=text: self._checked(t, d), on_error=self._failed)

    # --- results --------------------------------------------------------------------------------------
    def _checked(self, text: str, detail: Any) -> None:
        self.panel.show_verdict(detail)
        self.checked.emit(detail)
        if detail.verdict is Verdict.ACCEPTED:
            self.pending_code = text
            self.redeem_button.setEnabled(True)
            self.ctx.sounds.play("accepted")
        else:
            self.ctx.sounds.play("warning" if self.panel.level == "warning" else "refused")

    def redeem_pending(self) -> None:
        if self.pending_code:
            code, self.pending_code = self.pending_code, None
            self.redeem_button.setEnabled(False)
            self._redeem(code)

    def _redeem(self, text: str) -> None:
        self.panel.show_busy()
        self.ctx.runner.run(self.ctx.till.redemptions.redeem, text, on_done=self._redeemed, on_error=self._failed)

    def _redeemed(self, outcome: Any) -> None:
        detail = outcome.verdict
        self.panel.show_verdict(detail, redeemed=detail.verdict is Verdict.ACCEPTED)
        if detail.verdict is Verdict.ACCEPTED:
            self.ctx.sounds.play("accepted")
            self.undo_button.setEnabled(True)
            self._undo_timer.start(max(1, int(self.ctx.void_window_s)) * 1000)
        else:
            self.ctx.sounds.play("warning" if self.panel.level == "warning" else "refused")
        self.redeemed.emit(outcome)
        self.refresh_today()

    def _failed(self, exc: BaseException) -> None:
        self.panel.show_error(str(exc))
        self.ctx.sounds.play("warning")

    def undo_last(self) -> None:
        self.undo_button.setEnabled(False)
        self.ctx.runner.run(self.ctx.till.redemptions.void_last, on_done=self._voided, on_error=self._failed)

    def _voided(self, outcome: Any) -> None:
        self.last_void_message = outcome.message
        self.info.setText(outcome.message)
        if outcome.ok:
            self.panel.show_idle()
        self.refresh_today()

    def refresh_today(self) -> None:
        self.ctx.runner.run(self.ctx.books.today_totals, on_done=self._show_today)

    def _show_today(self, totals: tuple[int, int]) -> None:
        self.today = totals
        self.today_label.setText(self.tr("Today: %1 voucher(s), %2").replace("%1", str(totals[0]))
                                 .replace("%2", format_cents(totals[1], self.ctx.lang)))

    # --- camera ---------------------------------------------------------------------------------------
    def camera_status(self, status: str) -> None:
        if status in ("lost", "stopped"):
            self.camera.set_message(self.tr("Camera unavailable — type the number or use the USB scanner"))
        elif status == "ended":
            self.camera.set_message(self.tr("Camera: end of video"))

    # --- language -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.entry_label.setText(self.tr("Voucher &number:"))
        self.manual.setPlaceholderText(self.tr("Type the 12 digits, then Enter"))
        self.redeem_button.setText(self.tr("Redeem (Enter)"))
        self.undo_button.setText(self.tr("Undo last (Ctrl+Z)"))
        self.undo_button.setShortcut("Ctrl+Z")
        self.panel.lang = self.ctx.lang
        self._show_today(self.today)
        if self.camera.frames == 0:
            self.camera.set_message(self.tr("No camera"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def focus_entry(self) -> None:
        self.manual.setFocus(Qt.FocusReason.ShortcutFocusReason)
