"""The demo's additions to the main window: a banner, the role switch and "print demo vouchers"; and the demo's
event loop (``run_demo_window``), which ends cleanly on SIGTERM/SIGINT so the temporary folder goes too.

Only uses MainWindow's public pieces (``tabs``, ``screens``, ``seller``, ``show_screen``, ``retranslate``,
``shutdown``). Each role has its own demo token: the tab in front decides which one the till uses (Caisse and
Gestion: the bakery; Vente: the tobacconist). Its words follow the app's language like every screen's.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QMessageBox, QPushButton, QToolBar, QWidget

from .environment import DEMO_PIN, ROLES, DemoEnvironment

SCREEN_OF_ROLE = {"cashier": "cashier", "tobacconist": "seller", "owner": "owner"}
ROLE_OF_SCREEN = {v: k for k, v in SCREEN_OF_ROLE.items()}


class DemoControls(QToolBar):
    """The demo toolbar on a MainWindow; ``role_box``, ``print_button`` and ``banner`` are exposed for tests."""

    def __init__(self, window: Any, env: DemoEnvironment, lang: str = "fr") -> None:
        super().__init__("demo")
        self.main_window, self.env = window, env
        self.setObjectName("demoBar")
        self.setMovable(False)
        self.banner = QLabel()
        self.banner.setObjectName("demoBanner")
        self.banner.setStyleSheet("QLabel { background: #e8a33d; color: #1f2933; font-weight: bold; padding: 6px; }")
        self.banner.setWordWrap(True)
        self.addWidget(self.banner)
        self.addSeparator()
        self.role_label = QLabel()
        self.addWidget(self.role_label)
        self.role_box = QComboBox()
        self.role_box.setObjectName("demoRole")
        for role in ROLES:
            self.role_box.addItem("", role)
        self.role_box.currentIndexChanged.connect(lambda _i: self.set_role(self.role_box.currentData()))
        self.addWidget(self.role_box)
        self.print_button = QPushButton()
        self.print_button.setObjectName("demoPrint")
        self.print_button.clicked.connect(self.ask_and_print)
        self.addWidget(self.print_button)
        self._ensure_all_screens()
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        window.tabs.currentChanged.connect(self._tab_changed)
        self.retranslate()

    def retranslate(self) -> None:
        camera = (self.tr("simulated (video of demo vouchers)") if self.env.simulated
                  else self.tr("webcam") if self.env.camera_source is not None else self.tr("none"))
        self.banner.setText(self.tr("DEMO MODE — local central server %1, camera: %2. Nothing is real. "
                                    "Owner PIN: %3.").replace("%1", self.env.url).replace("%2", camera)
                            .replace("%3", DEMO_PIN))
        self.role_label.setText(self.tr("Role:"))
        names = {"cashier": self.tr("Cashier"), "tobacconist": self.tr("Tobacconist (sales)"),
                 "owner": self.tr("Owner")}
        for i in range(self.role_box.count()):
            self.role_box.setItemText(i, names[self.role_box.itemData(i)])
        self.print_button.setText(self.tr("Print demo vouchers (PDF)…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _ensure_all_screens(self) -> None:
        """The demo shows Caisse, Vente and Gestion whatever the first token's roles are."""
        names = [n for n, _ in self.main_window.screens]
        if "seller" not in names:
            index = names.index("owner") if "owner" in names else len(names)
            self.main_window.screens.insert(index, ("seller", self.main_window.seller))
            self.main_window.tabs.insertTab(index, self.main_window.seller, "")
            self.main_window.retranslate()

    def _tab_changed(self, index: int) -> None:
        widget: QWidget = self.main_window.tabs.widget(index)
        name = next((n for n, w in self.main_window.screens if w is widget), None)
        role = ROLE_OF_SCREEN.get(name or "")
        if role and role != self.env.role:
            self._use(self.env.switch_role(role))  # local server: GET /me answers in milliseconds
        if role:
            i = self.role_box.findData(role)
            if i != self.role_box.currentIndex():
                self.role_box.blockSignals(True)
                self.role_box.setCurrentIndex(i)
                self.role_box.blockSignals(False)

    def set_role(self, role: str) -> None:
        """Switch to ``role`` (cashier, tobacconist, owner): its screen comes to the front, its token in use."""
        self.main_window.show_screen(SCREEN_OF_ROLE[role])
        if self.env.role != role:
            self._use(self.env.switch_role(role))

    def _use(self, till: Any) -> None:
        """The window's screens work on the role's own till and books from now on."""
        if till is None or till is self.main_window.ctx.till:
            return
        self.main_window.ctx.till = till
        self.main_window.ctx.books = till.books

    def print_vouchers(self, path: Path) -> Path:
        """Write the A4 sheet of demo vouchers to ``path``."""
        return self.env.print_vouchers(path)

    def ask_and_print(self) -> None:
        from pos_app.ui.dialogs import ask_save_path

        settings = QSettings(str((self.env.home or Path.home()) / "ui.ini"), QSettings.Format.IniFormat)
        path = ask_save_path(self.main_window, settings, self.print_button.text(), self.tr("demo-vouchers.pdf"),
                             "PDF (*.pdf)")
        if path is None:
            return
        try:
            self.print_vouchers(path)
        except Exception as exc:
            QMessageBox.warning(self.main_window, self.print_button.text(),
                                self.tr("Cannot print: %1").replace("%1", str(exc)))
            return
        self.main_window.statusBar().showMessage(self.tr("Voucher sheet saved: %1").replace("%1", str(path)), 10_000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def process_age() -> float:
    """Seconds since this process started (Linux /proc; 0 elsewhere): the demo's start-time figure."""
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def quit_on_signals(app: QApplication) -> QTimer:
    """SIGTERM/SIGINT quit the event loop, so the demo's clean-up runs (server stopped, temp folder removed).
    Python runs signal handlers only between bytecodes: a light timer lets it look while Qt waits in C++."""
    for signame in ("SIGTERM", "SIGINT"):
        signal.signal(getattr(signal, signame), lambda _s, _f: app.quit())
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)
    tick.start(200)
    return tick


def _announce_and_exit_soon(window: Any, env: DemoEnvironment, exit_after: str) -> None:
    """Smoke tests and CI: announce the window (with the server to watch) and the first scan's verdict, then
    quit (after that scan, or after N seconds at most)."""
    print(f"demo window shown; server pid {env.server.pid if env.server else 0} port "
          f"{env.server.port if env.server else 0} after {process_age():.2f} s", file=sys.stderr, flush=True)
    QTimer.singleShot(int(float(exit_after) * 1000), window.close)

    def scanned(detail: Any) -> None:  # the first camera scan's verdict, then quit soon
        verdict = getattr(detail.verdict, "value", detail.verdict)
        print(f"demo scan {detail.serial} {verdict}", file=sys.stderr, flush=True)
        QTimer.singleShot(500, window.close)

    window.cashier.checked.connect(scanned)


def run_demo_window(env: DemoEnvironment, lang: str) -> int:
    """The demo's event loop: the main window over the demo till, with the demo controls."""
    if env.till is None:
        print("pos-app --demo : la caisse n'a pas pu être ouverte / the till could not be opened.", file=sys.stderr)
        return 1
    from pos_app.ui.app import MainWindow, create_app

    app = create_app()
    window = MainWindow(env.till, camera_source=env.camera_source, lang=lang, demo=True)
    controls = DemoControls(window, env, lang)  # noqa: F841 - Qt owns the toolbar; kept alive with the loop
    tick = quit_on_signals(app)
    window.show()
    exit_after = os.environ.get("POS_APP_DEMO_EXIT_AFTER_S")
    if exit_after:
        _announce_and_exit_soon(window, env, exit_after)
    try:
        return int(app.exec())
    finally:
        tick.stop()
        window.shutdown()
