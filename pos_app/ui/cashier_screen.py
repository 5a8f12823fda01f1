"""Caisse: camera preview, manual entry, the verdict panel, redeem / undo, today's count and total.

What Enter redeems is always the voucher the panel shows: every check carries a number and only the latest
one may arm the redeem button; a code typed by the cashier holds the camera off until it is redeemed or cleared.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.scanning.capture import CameraStatus
from pos_app.scanning.manual import EntryState, ManualEntry
from pos_app.scanning.scanner import ScanStatus
from voucher_core.money import format_cents
from voucher_core.verdicts import Verdict, VerdictDetail

from . import words
from .camera_view import CameraView
from .keys import TillKeys
from .verdict_panel import VerdictPanel

TYPED, CAMERA, SCANNER = "typed", "camera", "scanner"


class CashierScreen(QWidget):
    """Slots read input, call a till service in a worker and show the result."""

    redeemed = Signal(object)  # RedemptionOutcome after a redemption (tests, status refresh)
    checked = Signal(object)  # VerdictDetail after a check
    camera_toggled = Signal()  # the pause/resume button

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx  # AppContext: till, books, runner, sounds, lang
        self.pending_code: str | None = None  # the code the panel shows as valid, waiting for Enter
        self.entry = ManualEntry()
        self.today = (0, 0)
        self.last_void_message = ""
        self._seq = 0  # number of the latest check: older answers are dropped
        self._source: str | None = None  # where the code on screen (or being checked) came from
        self._busy = False  # a check is running
        self._redeeming = False
        self._several_in_view = False  # the camera sees two different vouchers: "un seul bon à la fois"
        self._build()
        self.retranslate()

    def _build(self) -> None:
        self.camera = CameraView()
        self.pause_button = QPushButton()
        self.pause_button.setObjectName("cameraPause")
        self.pause_button.setEnabled(False)
        self.panel = VerdictPanel(lang=self.ctx.lang)
        self.manual = QLineEdit()
        self.manual.setObjectName("manualEntry")
        self.manual.setClearButtonEnabled(True)
        self.keys = TillKeys(self.manual)  # Ctrl+Z is the till's, even with text in the field
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
        left.addWidget(self.pause_button)
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
        self.manual.returnPressed.connect(self.enter)
        self.redeem_button.clicked.connect(self.redeem_pending)
        self.undo_button.clicked.connect(self.undo_last)
        self.pause_button.clicked.connect(self.camera_toggled.emit)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setEnabled(False))

    # --- input ----------------------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        status = self.entry.set_text(text)
        self._show_hint()
        colour = {EntryState.VALID: "#1b7f2a", EntryState.INVALID: "#b3121f"}.get(status.state, "#555555")
        self.hint.setStyleSheet(f"color:{colour}")

    def _show_hint(self) -> None:
        status = self.entry.status
        if not self.entry.text and self._several_in_view:
            self.hint.setText(words.say(ScanStatus.SEVERAL_VOUCHERS))
            self.hint.setStyleSheet("color:#b3121f")
        elif not self.entry.text:
            self.hint.setText("")
        elif status.state is EntryState.VALID:
            self.hint.setText(self.tr("Valid number: press Enter"))
        elif status.state is EntryState.INCOMPLETE:
            self.hint.setText(self._missing_text(status.missing, status.missing_legacy))
        else:
            self.hint.setText(words.say(status.reason))

    def _missing_text(self, missing: int, missing_legacy: int) -> str:
        """"Il manque N chiffres", and how many for an old 12-digit voucher while fewer than 12 are typed."""
        if missing_legacy:
            return (self.tr("%1 digits missing (%2 on an old 12-digit voucher)")
                    .replace("%1", str(missing)).replace("%2", str(missing_legacy)))
        if missing == 1:
            return self.tr("1 digit missing")
        return self.tr("%1 digits missing").replace("%1", str(missing))

    def enter(self) -> None:
        """Enter, wherever the focus is on this screen: check the typed code, else redeem what is shown."""
        text = self.manual.text().strip()
        if text:
            if self.entry.status.state in (EntryState.INVALID, EntryState.INCOMPLETE):
                self.hint.setStyleSheet("color:#b3121f")  # the hint says what is wrong; the text stays
                return
            if self.on_code(self.entry.status.serial or text, TYPED):
                self.manual.clear()
        elif self.pending_code:
            self.redeem_pending()

    def clear(self) -> None:
        """Esc: forget the typed text and the pending voucher; the camera may read again."""
        self.manual.clear()
        self._seq += 1
        self._busy, self._source = False, None
        self._set_pending(None)
        self.panel.show_idle()

    def _set_pending(self, code: str | None) -> None:
        self.pending_code = code
        self.redeem_button.setEnabled(code is not None)

    def camera_held_off(self) -> bool:
        """True while the cashier types, or a typed code is being checked or waits for Enter."""
        typed_on_screen = self._source == TYPED and (self._busy or self.pending_code is not None)
        return bool(self.manual.text().strip()) or typed_on_screen

    def on_code(self, text: str, source: str = TYPED) -> bool:
        """A code from the camera, the USB scanner or the keyboard: check it (or redeem it at once).
        False when it was not taken (a redemption is running, or the camera while the cashier types)."""
        if self._redeeming or (source == CAMERA and self.camera_held_off()):
            return False
        self._seq += 1
        seq, self._source, self._busy = self._seq, source, True
        self._set_pending(None)
        self.panel.show_busy(text if len(text) < 40 else "")
        if self.ctx.auto_redeem:
            self._redeem(text)
        else:
            self.ctx.runner.run(self.ctx.till.redemptions.check, text,
                                on_done=lambda d: self._checked(seq, text, d), on_error=lambda e: self._failed(e, seq))
        return True

    # --- results --------------------------------------------------------------------------------------
    def _checked(self, seq: int, text: str, detail: VerdictDetail) -> None:
        if seq != self._seq:
            return  # a newer code was scanned or typed meanwhile: this answer is no longer on screen
        self._busy = False
        self.panel.show_verdict(detail)
        self.checked.emit(detail)
        if detail.verdict is Verdict.ACCEPTED:
            self._set_pending(text)
            self.ctx.sounds.play("accepted")
        else:
            self._source = None
            self.ctx.sounds.play("warning" if self.panel.level == "warning" else "refused")

    def redeem_pending(self) -> None:
        if self.pending_code and not self._redeeming:
            code = self.pending_code
            self._set_pending(None)
            self._redeem(code)

    def _redeem(self, text: str) -> None:
        self._seq += 1
        self._redeeming, self._busy = True, False
        self.panel.show_busy()
        self.ctx.runner.run(self.ctx.till.redemptions.redeem, text, on_done=self._redeemed,
                            on_error=lambda e: self._failed(e, None))

    def _redeemed(self, outcome: Any) -> None:
        self._redeeming, self._source = False, None
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

    def _failed(self, exc: BaseException, seq: int | None) -> None:
        if seq is not None and seq != self._seq:
            return
        if seq is None:
            self._redeeming = False
        self._busy, self._source = False, None
        self.panel.show_error(words.say_error(exc))
        self.ctx.sounds.play("warning")

    def undo(self) -> None:
        """Ctrl+Z: undo the last redemption while the undo button allows it."""
        if self.undo_button.isEnabled():
            self.undo_last()

    def undo_last(self) -> None:
        self.undo_button.setEnabled(False)
        self.ctx.runner.run(self.ctx.till.redemptions.void_last, on_done=self._voided,
                            on_error=lambda e: self.info.setText(words.say_error(e)))

    def _voided(self, outcome: Any) -> None:
        self._void = outcome
        self._show_void()
        if outcome.ok and not self._busy and self.pending_code is None:
            self.panel.show_idle()  # what the cashier may be typing meanwhile stays in the field
        self.refresh_today()

    def _show_void(self) -> None:
        outcome = getattr(self, "_void", None)
        if outcome is None:
            return
        text = words.say(outcome.code.value, {"window_min": (outcome.window_s or 0) // 60})
        if outcome.error:
            text += " " + words.say(outcome.error)
        self.last_void_message = text
        self.info.setText(text)

    def refresh_today(self) -> None:
        books = self.ctx.books

        def work() -> tuple[date, tuple[int, int]]:  # the same open day as Vente's and the closing's
            return books.open_business_day(), books.today_totals()

        self.ctx.runner.run(work, on_done=lambda r: self._show_today(r[1], r[0]))

    def _show_today(self, totals: tuple[int, int], day: date | None = None) -> None:
        self.today = totals
        self._day = day or getattr(self, "_day", None)
        when = self._day.strftime("%d/%m/%Y") if self._day else "…"
        self.today_label.setText(self.tr("Day of %1: %2 voucher(s), %3").replace("%1", when)
                                 .replace("%2", str(totals[0])).replace("%3", format_cents(totals[1], self.ctx.lang)))

    # --- camera ---------------------------------------------------------------------------------------
    def camera_status(self, status: str) -> None:
        if status in (ScanStatus.SEVERAL_VOUCHERS, ScanStatus.ONE_VOUCHER):
            self._several_in_view = status == ScanStatus.SEVERAL_VOUCHERS
            self._show_hint()
        elif status in (CameraStatus.LOST, CameraStatus.STOPPED):
            self.camera.set_message(self.tr("Camera unavailable — type the number or use the USB scanner"))
        elif status == CameraStatus.ENDED:
            self.camera.set_message(self.tr("Camera: end of video"))
        elif status == CameraStatus.UNSUPPORTED:
            self.camera.set_message(self.tr("This installation cannot open network cameras (no video codecs in it):"
                                            " use a USB camera, type the number or use the USB scanner"))

    def camera_state(self, available: bool, paused: bool) -> None:
        """The window's camera: none, running or paused (the button and the preview say which)."""
        self.pause_button.setEnabled(available)
        self._camera = (available, paused)
        self.pause_button.setText(self.tr("Resume the camera (F4)") if paused else self.tr("Pause the camera (F4)"))
        if paused:
            self.camera.set_message(self.tr("Camera paused — F4 to resume"))
        elif not available:
            self.camera.set_message(self.tr("No camera"))

    # --- language -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.entry_label.setText(self.tr("Voucher &number:"))
        self.manual.setPlaceholderText(self.tr("Type the voucher's number, then Enter"))
        self.redeem_button.setText(self.tr("Redeem (Enter)"))
        self.undo_button.setText(self.tr("Undo last (Ctrl+Z)"))
        self.panel.lang = self.ctx.lang
        self._show_today(self.today)
        self._show_hint()
        self._show_void()
        self.camera_state(*getattr(self, "_camera", (False, False)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def focus_entry(self) -> None:
        self.manual.setFocus(Qt.FocusReason.ShortcutFocusReason)
