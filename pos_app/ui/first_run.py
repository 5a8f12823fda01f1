"""First-run wizard: server URL, terminal token (OS keyring via the till), role, language, owner PIN,
camera test with live preview, USB scanner test."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWizard, QWizardPage

from pos_app.store.settings import SettingKey, UiSetting

from . import pin as pins
from . import words
from .camera import CameraScanner, open_scanner
from .camera_view import CameraView
from .pin_pages import problem_text
from .workers import WorkerRunner


class FirstRunWizard(QWizard):
    def __init__(self, till: Any, lang: str = "fr", parent: Any = None) -> None:
        super().__init__(parent)
        self.till = till
        self.chosen_lang = lang
        self.scanner: CameraScanner | None = None
        self.runner = WorkerRunner(1, self)  # the server check and the PIN's hash never block the GUI thread
        self.setWindowTitle(self.tr("Till set-up"))
        # 1. server and token
        p1 = QWizardPage()
        p1.setTitle(self.tr("Central server"))
        self.url = QLineEdit(str(till.settings.get(SettingKey.SERVER_URL) or "https://"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_message = QLabel()
        self.server_message.setWordWrap(True)
        f1 = QFormLayout(p1)
        f1.addRow(self.tr("Server address"), self.url)
        f1.addRow(self.tr("Terminal token"), self.token)
        f1.addRow("", self.server_message)
        p1.validatePage = self._configure  # type: ignore[method-assign]
        # 2. role, language, PIN
        p2 = QWizardPage()
        p2.setTitle(self.tr("This till"))
        self.role = QComboBox()
        self.role.addItem(self.tr("Cashier and tobacconist"), "both")
        self.role.addItem(self.tr("Cashier (redeem vouchers)"), "cashier")
        self.role.addItem(self.tr("Tobacconist (sell cards)"), "seller")
        self.lang = QComboBox()
        self.lang.addItem("Français", "fr")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(0 if lang == "fr" else 1)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_message = QLabel()
        self.pin_message.setWordWrap(True)
        f2 = QFormLayout(p2)
        f2.addRow(self.tr("Role"), self.role)
        f2.addRow(self.tr("Language"), self.lang)
        f2.addRow(self.tr("Owner PIN (4 to 8 digits)"), self.pin)
        f2.addRow("", self.pin_message)
        p2.validatePage = self._save_role  # type: ignore[method-assign]
        p3 = self._camera_page()
        for page in (p1, p2, p3):
            self.addPage(page)
        self.finished.connect(self._finished)

    def _camera_page(self) -> QWizardPage:
        """3. camera and scanner tests"""
        till = self.till
        p3 = QWizardPage()
        p3.setTitle(self.tr("Camera and scanner test"))
        self.camera_index = QLineEdit(str(till.settings.get(UiSetting.CAMERA) or "0"))
        self.camera_button = QPushButton(self.tr("Test camera"))
        self.preview = CameraView()
        self.scan_test = QLineEdit()
        self.scan_test.setPlaceholderText(self.tr("Click here and scan a voucher with the USB scanner"))
        self.scan_result = QLabel()
        v3 = QVBoxLayout(p3)
        f3 = QFormLayout()
        f3.addRow(self.tr("Camera (index or URL)"), self.camera_index)
        f3.addRow("", self.camera_button)
        v3.addLayout(f3)
        v3.addWidget(self.preview, 1)
        v3.addWidget(self.scan_test)
        v3.addWidget(self.scan_result)
        self.camera_button.clicked.connect(self.test_camera)
        self.scan_test.returnPressed.connect(self._scanner_tested)
        return p3

    def _in_worker(self, fn: Any, *args: Any) -> BaseException | None:
        """Run ``fn`` in a worker while the wizard keeps painting (a local event loop); its error or None."""
        loop, outcome = QEventLoop(), list[BaseException | None]()

        def finish(error: BaseException | None) -> None:
            outcome.append(error)
            loop.quit()

        self.runner.run(fn, *args, on_done=lambda _r: finish(None), on_error=finish)
        self.setEnabled(False)
        try:
            loop.exec()
        finally:
            self.setEnabled(True)
        return outcome[0] if outcome else None

    def _configure(self) -> bool:
        self.server_message.setText(self.tr("Asking the central server…"))
        error = self._in_worker(self.till.configure, self.url.text().strip(), self.token.text().strip())
        if error is not None:
            self.server_message.setText(words.say_error(error))
            return False
        self.server_message.setText("")
        self.token.clear()
        return True

    def _save_role(self) -> bool:
        pin = self.pin.text()
        problem = pins.pin_problem(pin)
        if problem is not None:
            self.pin_message.setText(problem_text(problem))
            return False
        self._in_worker(pins.set_pin, self.till.settings, pin)
        role = self.role.currentData()
        self.till.settings.set(UiSetting.ROLE, role)
        self.chosen_lang = self.lang.currentData()
        self.till.settings.set(UiSetting.LANG, self.chosen_lang)
        return True

    def test_camera(self) -> None:
        self._stop_camera()
        source = self.camera_index.text().strip()
        self.scanner = open_scanner(source)
        if self.scanner is not None:
            self.scanner.preview.connect(self.preview.show_frame)
            self.scanner.scanned.connect(lambda t: self.scan_result.setText(self.tr("Camera read: %1")
                                                                            .replace("%1", t[:40])))
            self.till.settings.set(UiSetting.CAMERA, source)

    def _scanner_tested(self) -> None:
        text = self.scan_test.text()
        self.scan_result.setText(self.tr("Scanner read: %1").replace("%1", text[:40]))
        self.scan_test.clear()

    def _finished(self, _result: int) -> None:
        self._stop_camera()
        self.runner.shutdown()

    def _stop_camera(self) -> None:
        if self.scanner is not None:
            self.scanner.stop()
            self.scanner = None
