"""The main window: screens by role in tabs, status bar, shortcuts, geometry remembered. Kept small."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

from pos_app.services.sync_records import SyncReport, TillStatus
from pos_app.store.settings import UiSetting

from . import i18n
from .camera import CameraScanner, open_scanner
from .cashier_screen import CashierScreen
from .context import AppContext
from .gc_guard import collect_on_gui_thread
from .owner_screen import OwnerScreen
from .seller_screen import SellerScreen
from .sounds import Sounds
from .status_bar import TillStatusBar
from .wedge_filter import WedgeFilter
from .workers import WorkerRunner

log = logging.getLogger(__name__)
STATUS_POLL_MS = 3000
SYNC_EVERY_MS = 30000


class MainWindow(QMainWindow):
    """``MainWindow(till, camera_source=None, lang='fr', demo=False)``: Caisse / Vente / Gestion by role."""

    def __init__(self, till: Any, *, camera_source: Any = None, lang: str = "fr", demo: bool = False,
                 sounds: bool = True, sync_every_ms: int = SYNC_EVERY_MS) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx = AppContext(till, till.books, WorkerRunner(2, self), Sounds(sounds, self), lang, demo)
        i18n.install_language(lang)
        self._gc = collect_on_gui_thread()  # workers run Python: a collection there must not destroy Qt objects
        roles = self._roles(till)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("screens")
        self.cashier = CashierScreen(self.ctx)
        self.seller = SellerScreen(self.ctx)
        self.owner = OwnerScreen(self.ctx)
        self.screens: list[tuple[str, QWidget]] = []
        if "cashier" in roles:
            self.screens.append(("cashier", self.cashier))
        if "seller" in roles:
            self.screens.append(("seller", self.seller))
        self.screens.append(("owner", self.owner))
        for _, w in self.screens:
            self.tabs.addTab(w, "")
        self.setCentralWidget(self.tabs)
        self.status = TillStatusBar()
        self.setStatusBar(self.status)
        self.tabs.currentChanged.connect(self._screen_changed)
        self.owner.language_chosen.connect(self.set_language)
        self.owner.settings_saved.connect(self.apply_settings)
        self.owner.closed_day.connect(self._day_closed)
        self.cashier.camera_toggled.connect(self.toggle_camera)
        self._shortcuts()
        self._init_scanners(till, camera_source, demo)
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start(STATUS_POLL_MS)
        QTimer.singleShot(300, self.ctx.sounds.load)  # QtMultimedia loads after the window is up
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(self.sync_now)
        if sync_every_ms > 0:
            self._sync_timer.start(sync_every_ms)
        self._syncing = False
        self._closed = False

        self._settings = QSettings(str(till.home / "ui.ini"), QSettings.Format.IniFormat)
        self._place(self._settings.value("geometry"))
        self.retranslate()
        self.refresh_status()
        self.cashier.refresh_today()
        self.seller.refresh_today()
        self.tabs.setCurrentIndex(0)
        self._screen_changed(0)

    def _init_scanners(self, till: Any, camera_source: Any, demo: bool) -> None:
        """The USB scanner (one app-wide filter; its scans go to the screen in front) and the camera."""
        app = QApplication.instance()
        self.wedge = WedgeFilter(self, max_gap_ms=float(till.settings.get(UiSetting.SCANNER_GAP_MS, 30)), min_len=6)
        self.wedge.scanned.connect(lambda text: self.on_scan(text, "scanner"))
        if app is not None:
            app.installEventFilter(self.wedge)
        self.scanner: CameraScanner | None = None
        self.camera_paused = False
        self._camera_loop = demo
        if camera_source is None and not demo:
            saved = till.settings.get(UiSetting.CAMERA)
            camera_source = saved if saved not in (None, "", "none") else None
        self.camera_source = camera_source
        if isinstance(camera_source, (str, int, Path)):  # Gestion shows the camera in use, the demo's too
            self.owner.settings.camera_edit.setText(str(camera_source))
        self.start_camera(camera_source, loop=demo)

    def _shortcuts(self) -> None:
        """The till's keys, wherever the focus is: F1-F5, F4 camera, Esc, Ctrl+Z undo, Ctrl+Q quit; Enter on
        Caisse and Vente (a field keeps its own Enter; see keys.TillKeys for Ctrl+Z in a field)."""
        self.shortcuts: list[QShortcut] = []
        for key, slot in (("F1", lambda: self.show_screen("cashier")), ("F2", lambda: self.show_screen("seller")),
                          ("F3", lambda: self.show_screen("owner")), ("Escape", self._escape), ("F5", self.sync_now),
                          ("F4", self.toggle_camera), ("Ctrl+Z", self._undo), ("Ctrl+Q", self.close)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        for screen in (self.cashier, self.seller):
            for key in ("Return", "Enter"):
                shortcut = QShortcut(QKeySequence(key), screen)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(screen.enter)
                self.shortcuts.append(shortcut)

    def _place(self, geometry: Any) -> None:
        """The last geometry; else 1100×720, or maximised when the screen is not much bigger than that."""
        if geometry is not None and self.restoreGeometry(geometry):
            return
        self.resize(1100, 720)
        screen = QApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            if free.width() < 1400 or free.height() < 900:
                self.setWindowState(Qt.WindowState.WindowMaximized)

    @staticmethod
    def _roles(till: Any) -> set[str]:
        """Screens for this till: the wizard's choice, else the token's roles, else both."""
        chosen = till.settings.get(UiSetting.ROLE)
        if chosen in ("cashier", "seller"):
            return {chosen}
        if chosen == "both":
            return {"cashier", "seller"}
        try:
            roles = {str(r) for r in (till.identity.roles or [])}
        except Exception:
            roles = set()
        out = set()
        if roles & {"merchant", "cashier", "redeem", "owner"}:
            out.add("cashier")
        if roles & {"seller", "tobacconist", "sell"}:
            out.add("seller")
        return out or {"cashier", "seller"}

    # --- camera / scans -------------------------------------------------------------------------------
    def start_camera(self, source: Any, loop: bool = False) -> None:
        self.stop_camera()
        self.scanner = None if self.camera_paused else open_scanner(source, loop=loop)
        if self.scanner is not None:
            self.scanner.preview.connect(self.cashier.camera.show_frame)
            self.scanner.scanned.connect(lambda text: self.on_scan(text, "camera"))
            self.scanner.status.connect(self.cashier.camera_status)
        self.cashier.camera_state(source not in (None, ""), self.camera_paused)

    def stop_camera(self) -> None:
        if self.scanner is not None:
            self.scanner.stop()
            self.scanner = None

    def toggle_camera(self) -> None:
        """F4 or the button: pause the camera (it is released) or resume it."""
        if self.camera_source in (None, ""):
            return
        self.camera_paused = not self.camera_paused
        self.start_camera(self.camera_source, loop=self._camera_loop)

    def apply_settings(self) -> None:
        """Gestion saved the settings: the camera and the scanner take them now, without a restart."""
        settings = self.ctx.till.settings
        self.wedge.set_max_gap(float(settings.get(UiSetting.SCANNER_GAP_MS, 30)))
        saved = settings.get(UiSetting.CAMERA)
        source = saved if saved not in (None, "", "none") else None
        if str(source or "") != str(self.camera_source or ""):  # the demo's simulated camera too
            self.camera_source = source
            self.start_camera(source, loop=self._camera_loop)

    def on_scan(self, text: str, source: str = "scanner") -> None:
        """A code from the camera or the USB scanner goes to the screen in front (Caisse by default)."""
        if self._closed:
            return  # queued by the camera thread just before it stopped: the till may be closed already
        current = self.tabs.currentWidget()
        if current is self.seller:
            self.seller.on_code(text, source)
        elif current is self.cashier:
            self.cashier.on_code(text, source)

    # --- navigation -----------------------------------------------------------------------------------
    def show_screen(self, name: str) -> None:
        for i, (n, _) in enumerate(self.screens):
            if n == name:
                self.tabs.setCurrentIndex(i)

    def _screen_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is not self.owner:
            self.owner.lock()  # Gestion locks again as soon as one leaves it
        focus_entry = getattr(widget, "focus_entry", None)
        if focus_entry is not None:
            focus_entry()

    def _day_closed(self, _closing: Any) -> None:
        """Caisse and Vente count the next open day at once."""
        self.cashier.refresh_today()
        self.seller.refresh_today()

    def _undo(self) -> None:
        widget = self.tabs.currentWidget()
        if widget in (self.cashier, self.seller):
            widget.undo()

    def _escape(self) -> None:
        widget = self.tabs.currentWidget()
        if hasattr(widget, "clear"):
            widget.clear()

    # --- status & sync --------------------------------------------------------------------------------
    def refresh_status(self) -> None:
        self.ctx.runner.run(self.ctx.till.sync.status, on_done=self._status, on_error=lambda e: None)

    def _status(self, status: TillStatus) -> None:
        self.status.show_status(status)
        self.cashier.panel.set_mode(status.mode)

    def sync_now(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        self.ctx.runner.run(self.ctx.till.sync.sync_once, self.status.progress.emit,
                            on_done=self._synced, on_error=self._sync_failed)

    def _synced(self, report: SyncReport) -> None:
        self._syncing = False
        self.status.progress.emit(None)
        self.refresh_status()
        self.cashier.refresh_today()

    def _sync_failed(self, exc: BaseException) -> None:
        self._syncing = False
        self.status.progress.emit(None)
        log.warning("sync failed: %s", exc)

    # --- language -------------------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        """Switch language without restart: swap the translator; widgets retranslate on LanguageChange."""
        self.ctx.lang = lang
        self.cashier.panel.lang = lang
        i18n.install_language(lang)
        self.ctx.till.settings.set(UiSetting.LANG, lang)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Voucher till"))
        names = {"cashier": self.tr("Till (F1)"), "seller": self.tr("Sale (F2)"), "owner": self.tr("Management (F3)")}
        for i, (n, _) in enumerate(self.screens):
            self.tabs.setTabText(i, names[n])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- closing --------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every thread: camera, timers, the worker pool. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.sync()
        self._status_timer.stop()
        self._sync_timer.stop()
        self.stop_camera()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.wedge)
        self.ctx.runner.shutdown()
        if self._gc is not None:
            self._gc.release()
