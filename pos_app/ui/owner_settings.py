"""Gestion's settings tab: offline limits, undo window, automatic redemption, camera, scanner, language, PIN.

Saved in a worker (SQLite writes, the PIN's hash); the window applies them at once (``saved``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from pos_app.store.settings import UiSetting

from . import pin as pins
from .pin_pages import problem_text


class SettingsTab(QWidget):
    saved = Signal()
    language_chosen = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        s = ctx.till.settings
        policy = s.get("owner_policy") or {}
        self.offline_allowed = QCheckBox()
        self.offline_allowed.setChecked(bool(policy.get("offline_allowed", True)))
        self.offline_cap = QSpinBox()
        self.offline_cap.setRange(0, 100000)
        self.offline_cap.setSuffix(" €")
        self.offline_cap.setValue(int(policy.get("max_offline_total_cents_per_day") or 0) // 100)
        self.void_window = QSpinBox()
        self.void_window.setRange(0, 3600)
        self.void_window.setSuffix(" s")
        self.void_window.setValue(int(ctx.void_window_s))
        self.auto_redeem = QCheckBox()
        self.auto_redeem.setChecked(bool(s.get(UiSetting.AUTO_REDEEM, False)))
        self.camera_edit = QLineEdit(str(s.get(UiSetting.CAMERA) or ""))
        self.scanner_gap = QSpinBox()
        self.scanner_gap.setRange(5, 200)
        self.scanner_gap.setSuffix(" ms")
        self.scanner_gap.setValue(int(s.get(UiSetting.SCANNER_GAP_MS, 30)))
        self.language = QComboBox()
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if ctx.lang == "fr" else 1)
        self.new_pin = QLineEdit()
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pin.setMaxLength(pins.MAX_DIGITS)
        self.save_button = QPushButton()
        self.settings_message = QLabel()
        self.settings_message.setWordWrap(True)
        self.form = QFormLayout(self)
        self._rows = [self.offline_allowed, self.offline_cap, self.void_window, self.auto_redeem, self.camera_edit,
                      self.scanner_gap, self.language, self.new_pin]
        for w in self._rows:
            self.form.addRow(QLabel(), w)
        self.form.addRow("", self.save_button)
        self.form.addRow("", self.settings_message)
        self.save_button.clicked.connect(self.save_settings)
        self.retranslate()

    def save_settings(self) -> None:
        """Check, then write everything in a worker; the window applies the result when it is written."""
        new_pin = self.new_pin.text()
        if new_pin:
            problem = pins.pin_problem(new_pin)
            if problem is not None:
                self.settings_message.setText(problem_text(problem))
                return
        till, lang = self.ctx.till, self.language.currentData()
        values = {UiSetting.VOID_WINDOW_S: self.void_window.value(),
                  UiSetting.AUTO_REDEEM: self.auto_redeem.isChecked(),
                  UiSetting.CAMERA: self.camera_edit.text().strip(),
                  UiSetting.SCANNER_GAP_MS: self.scanner_gap.value(), UiSetting.LANG: lang}
        allowed, cap = self.offline_allowed.isChecked(), self.offline_cap.value() * 100

        def work() -> None:
            till.set_owner_policy(offline_allowed=allowed, max_offline_total_cents_per_day=cap or None)
            for key, value in values.items():
                till.settings.set(key, value)
            if new_pin:
                pins.set_pin(till.settings, new_pin)

        self.new_pin.clear()
        self.save_button.setEnabled(False)
        self.settings_message.setText(self.tr("Saving…"))
        self.ctx.runner.run(work, on_done=lambda _r: self._saved(lang), on_error=self._failed)

    def _saved(self, lang: str) -> None:
        self.save_button.setEnabled(True)
        self.settings_message.setText(self.tr("Settings saved."))
        self.saved.emit()
        if lang != self.ctx.lang:
            self.language_chosen.emit(lang)

    def _failed(self, exc: BaseException) -> None:
        from . import words

        self.save_button.setEnabled(True)
        self.settings_message.setText(words.say_error(exc))

    def retranslate(self) -> None:
        labels = [self.tr("Accept offline"), self.tr("Offline cap per day (0 = operator's)"),
                  self.tr("Undo window"), self.tr("Redeem automatically on scan"),
                  self.tr("Camera (index or URL, empty: none)"), self.tr("Scanner max key gap"), self.tr("Language"),
                  self.tr("New PIN (4 to 8 digits)")]
        for w, text in zip(self._rows, labels, strict=True):
            label = self.form.labelForField(w)
            if isinstance(label, QLabel):
                label.setText(text)
        self.save_button.setText(self.tr("Save settings"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
