"""The demo's additions to the main window: a banner, the role switch and "print demo vouchers".

Lives on the demo's side (the entry level, like gui.py) and only uses MainWindow's public pieces
(``tabs``, ``screens``, ``seller``, ``show_screen``, ``retranslate``, ``shutdown``). Each role has its own demo
token: the tab in front decides which one the till uses (Caisse and Gestion: the bakery; Vente: the tobacconist).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox, QPushButton, QToolBar, QWidget

from .demo import DemoEnvironment

SCREEN_OF_ROLE = {"cashier": "cashier", "tobacconist": "seller", "owner": "owner"}
ROLE_OF_SCREEN = {v: k for k, v in SCREEN_OF_ROLE.items()}
TEXT = {
    "fr": {"banner": "MODE DÉMO — serveur central local {url}, caméra {camera}. Rien n'est réel. "
                     "Code gérant : 0000.",
           "simulated": "simulée (vidéo de bons de démo)", "webcam": "webcam", "none": "aucune",
           "role": "Rôle :", "cashier": "Caissier·ère", "tobacconist": "Buraliste (vente)", "owner": "Gérant·e",
           "print": "Imprimer des bons de démo (PDF)…", "saved": "Planche de bons enregistrée : {path}",
           "failed": "Impression impossible : {error}", "sale_tab": "Vente (F2)"},
    "en": {"banner": "DEMO MODE — local central API {url}, camera: {camera}. Nothing is real. Owner PIN: 0000.",
           "simulated": "simulated (video of demo vouchers)", "webcam": "webcam", "none": "none",
           "role": "Role:", "cashier": "Cashier", "tobacconist": "Tobacconist (sales)", "owner": "Owner",
           "print": "Print demo vouchers (PDF)…", "saved": "Voucher sheet saved: {path}",
           "failed": "Cannot print: {error}", "sale_tab": "Sale (F2)"},
}


class DemoControls:
    """The demo toolbar on a MainWindow; ``role_box``, ``print_button`` and ``banner`` are exposed for tests."""

    def __init__(self, window: Any, env: DemoEnvironment, lang: str = "fr") -> None:
        self.window, self.env = window, env
        self.t = TEXT.get(lang, TEXT["fr"])
        self._ensure_all_screens()
        bar = QToolBar("demo")
        bar.setObjectName("demoBar")
        bar.setMovable(False)
        camera = "simulated" if env.simulated else ("webcam" if env.camera_source is not None else "none")
        self.banner = QLabel(self.t["banner"].format(url=env.url, camera=self.t[camera]))
        self.banner.setObjectName("demoBanner")
        self.banner.setStyleSheet("QLabel { background: #e8a33d; color: #1f2933; font-weight: bold; padding: 6px; }")
        self.banner.setWordWrap(True)
        bar.addWidget(self.banner)
        bar.addSeparator()
        bar.addWidget(QLabel(self.t["role"]))
        self.role_box = QComboBox()
        self.role_box.setObjectName("demoRole")
        for role in ("cashier", "tobacconist", "owner"):
            self.role_box.addItem(self.t[role], role)
        self.role_box.currentIndexChanged.connect(lambda _i: self.set_role(self.role_box.currentData()))
        bar.addWidget(self.role_box)
        self.print_button = QPushButton(self.t["print"])
        self.print_button.setObjectName("demoPrint")
        self.print_button.clicked.connect(self.ask_and_print)
        bar.addWidget(self.print_button)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.bar = bar
        window.tabs.currentChanged.connect(self._tab_changed)

    def _ensure_all_screens(self) -> None:
        """The demo shows Caisse, Vente and Gestion whatever the first token's roles are."""
        names = [n for n, _ in self.window.screens]
        if "seller" not in names:
            index = names.index("owner") if "owner" in names else len(names)
            self.window.screens.insert(index, ("seller", self.window.seller))
            self.window.tabs.insertTab(index, self.window.seller, self.t["sale_tab"])
            self.window.retranslate()

    def _tab_changed(self, index: int) -> None:
        widget: QWidget = self.window.tabs.widget(index)
        name = next((n for n, w in self.window.screens if w is widget), None)
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
        self.window.show_screen(SCREEN_OF_ROLE[role])
        if self.env.role != role:
            self._use(self.env.switch_role(role))

    def _use(self, till: Any) -> None:
        """The window's screens work on the role's own till and books from now on."""
        if till is None or till is self.window.ctx.till:
            return
        from pos_app.services.books import Books

        self.window.ctx.till = till
        self.window.ctx.books = Books(till.db, till.home, clock=till.clock)

    def print_vouchers(self, path: Path) -> Path:
        """Write the A4 sheet of demo vouchers to ``path``."""
        return self.env.print_vouchers(path)

    def ask_and_print(self) -> None:
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        name, _ = QFileDialog.getSaveFileName(self.window, self.t["print"], str(Path(docs) / "bons-demo.pdf"),
                                              "PDF (*.pdf)")
        if not name:
            return
        try:
            path = self.print_vouchers(Path(name))
        except Exception as exc:
            QMessageBox.warning(self.window, self.t["print"], self.t["failed"].format(error=exc))
            return
        self.window.statusBar().showMessage(self.t["saved"].format(path=path), 10_000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def process_age() -> float:
    """Seconds since this process started (Linux /proc; 0 elsewhere): the demo's start-time figure."""
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def run_demo_window(env: DemoEnvironment, lang: str) -> int:
    """The demo's event loop: the main window over the demo till, with the demo controls."""
    from pos_app.ui.app import MainWindow, create_app

    app = create_app()
    window = MainWindow(env.till, camera_source=env.camera_source, lang=lang, demo=True)
    window.demo_controls = DemoControls(window, env, lang)  # kept alive with the window
    window.show()
    # smoke tests and CI: announce the window (with the server to watch) and the first scan's verdict, then
    # quit (after that scan, or after N seconds at most)
    exit_after = os.environ.get("POS_APP_DEMO_EXIT_AFTER_S")
    if exit_after:
        print(f"demo window shown; server pid {env.server.pid if env.server else 0} port "
              f"{env.server.port if env.server else 0} after {process_age():.2f} s", file=sys.stderr, flush=True)
        QTimer.singleShot(int(float(exit_after) * 1000), window.close)

        def scanned(detail: Any) -> None:  # the first camera scan's verdict, then quit soon
            verdict = getattr(detail.verdict, "value", detail.verdict)
            print(f"demo scan {detail.serial} {verdict}", file=sys.stderr, flush=True)
            QTimer.singleShot(500, window.close)

        window.cashier.checked.connect(scanned)
    try:
        return int(app.exec())
    finally:
        window.shutdown()
