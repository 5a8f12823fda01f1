"""Gestion's two doors: the PIN lock, and the PIN set-up the first time (no PIN yet, or reset from the CLI).

Both hash in a worker (PBKDF2 takes ~0.1 s): the GUI thread never waits on them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from . import pin as pins
from . import words


def _pin_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(pins.MAX_DIGITS)
    return field


class PinLockPage(QWidget):
    unlocked = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pin_label = QLabel()
        self.pin_edit = _pin_field("pinEntry")
        self.pin_label.setBuddy(self.pin_edit)
        self.unlock_button = QPushButton()
        self.pin_message = QLabel()
        self.pin_message.setObjectName("pinMessage")
        self.checking = False
        form = QFormLayout(self)
        form.addRow(self.pin_label, self.pin_edit)
        form.addRow("", self.unlock_button)
        form.addRow("", self.pin_message)
        self.pin_edit.returnPressed.connect(self.unlock)
        self.unlock_button.clicked.connect(self.unlock)
        self.retranslate()

    def unlock(self) -> None:
        """Check the typed PIN in a worker; one check at a time."""
        if self.checking:
            return
        pin, settings = self.pin_edit.text(), self.ctx.till.settings
        self.pin_edit.clear()
        self.checking = True
        self.pin_message.setText(self.tr("Checking…"))
        self.ctx.runner.run(pins.check_pin, settings, pin, on_done=self._checked,
                            on_error=lambda e: self._checked(False))

    def _checked(self, ok: bool) -> None:
        self.checking = False
        self.pin_message.setText("" if ok else self.tr("Wrong PIN."))
        if ok:
            self.unlocked.emit()

    def retranslate(self) -> None:
        self.pin_label.setText(self.tr("Owner &PIN:"))
        self.unlock_button.setText(self.tr("Unlock"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


PROBLEMS = {pins.PinProblem.NOT_DIGITS: QT_TRANSLATE_NOOP("PinSetupPage", "The PIN must have 4 to 8 digits."),
            pins.PinProblem.TOO_SIMPLE: QT_TRANSLATE_NOOP("PinSetupPage", "Too easy to guess: avoid 0000, 1234, one "
                                                                          "repeated digit or a run of digits."),
            pins.PinProblem.MISMATCH: QT_TRANSLATE_NOOP("PinSetupPage", "The two PINs differ.")}


def problem_text(problem: pins.PinProblem) -> str:
    """Words for a refused new PIN (the set-up page's and the settings tab's)."""
    return QCoreApplication.translate("PinSetupPage", str(PROBLEMS[problem]))


class PinSetupPage(QWidget):
    """Choose the owner's PIN (first opening of Gestion): 4 to 8 digits, typed twice, not an obvious one."""

    done = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.intro = QLabel()
        self.intro.setObjectName("pinSetupIntro")
        self.intro.setWordWrap(True)
        self.new_label, self.again_label = QLabel(), QLabel()
        self.new_pin = _pin_field("newPin")
        self.again = _pin_field("newPinAgain")
        self.new_label.setBuddy(self.new_pin)
        self.again_label.setBuddy(self.again)
        self.save_button = QPushButton()
        self.message = QLabel()
        self.message.setObjectName("pinSetupMessage")
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.intro)
        form.addRow(self.new_label, self.new_pin)
        form.addRow(self.again_label, self.again)
        form.addRow("", self.save_button)
        form.addRow("", self.message)
        self.new_pin.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.retranslate()

    def save(self) -> None:
        problem = pins.pin_problem(self.new_pin.text(), self.again.text())
        if problem is not None:
            self.message.setText(problem_text(problem))
            self.again.clear()
            return
        pin = self.new_pin.text()
        self.new_pin.clear()
        self.again.clear()
        self.message.setText(self.tr("Saving…"))
        self.ctx.runner.run(pins.set_pin, self.ctx.till.settings, pin, on_done=lambda _r: self._saved(),
                            on_error=lambda e: self.message.setText(words.say_error(e)))

    def _saved(self) -> None:
        self.message.setText("")
        self.done.emit()

    def retranslate(self) -> None:
        self.intro.setText(self.tr("Choose the owner's PIN. It protects Gestion (closings, reports, settings). "
                                   "Forgotten? On this computer run “pos-app reset-pin”."))
        self.new_label.setText(self.tr("New PIN (4 to 8 digits):"))
        self.again_label.setText(self.tr("Same PIN again:"))
        self.save_button.setText(self.tr("Save the PIN"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
