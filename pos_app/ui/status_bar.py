"""Status bar: mode, cache age, outbox count, last sync and a sync progress bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from pos_app.services.sync_records import SyncPhase, SyncProgress, TillStatus
from voucher_core.timeutil import paris_text, parse_utc_text
from voucher_core.verdicts import Mode


class TillStatusBar(QStatusBar):
    progress = Signal(object)  # SyncProgress, emitted from the sync worker (queued to the GUI thread)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = QLabel()
        self.mode.setObjectName("statusMode")
        self.cache = QLabel()
        self.outbox = QLabel()
        self.last_sync = QLabel()
        self.auth = QLabel()
        self.auth.setObjectName("authBlocked")
        self.auth.setStyleSheet("color:#b3121f;font-weight:bold")
        self.auth.hide()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.bar.hide()
        for w in (self.mode, self.auth, self.cache, self.outbox, self.last_sync):
            self.addWidget(w)
        self.addPermanentWidget(self.bar)
        self.progress.connect(self._on_progress)
        self.status: TillStatus | None = None
        self.show_status(None)

    def show_status(self, status: TillStatus | None) -> None:
        """Show a TillStatus, or 'unknown' when None."""
        self.status = status
        if status is None:
            self.mode.setText(self.tr("Mode: …"))
            self.cache.setText("")
            self.outbox.setText("")
            self.last_sync.setText("")
            self.auth.hide()
            return
        online = status.mode == Mode.ONLINE
        self.mode.setText(self.tr("● Online") if online else self.tr("● OFFLINE"))
        self.mode.setStyleSheet("color:#1b7f2a;font-weight:bold" if online else "color:#b85c00;font-weight:bold")
        # a refused token stops offline acceptance until the server accepts the token again: say so while it lasts
        self.auth.setVisible(bool(status.auth_blocked))
        self.auth.setText(self.tr("⚠ Token refused by the central server: no offline acceptance (check the "
                                  "till's configuration)") if status.auth_blocked else "")
        age = status.cache_age_s
        if age is None:
            self.cache.setText(self.tr("Cache: none"))
        else:
            self.cache.setText(self.tr("Cache: %1 min old").replace("%1", str(int(age // 60))))
        self.outbox.setText(self.tr("To send: %1").replace("%1", str(status.outbox_count)))
        last = status.last_sync_utc
        when = paris_text(parse_utc_text(last)) if last else self.tr("never")
        self.last_sync.setText(self.tr("Last sync: %1").replace("%1", when))

    def _on_progress(self, p: SyncProgress | None) -> None:
        if p is None or p.phase is SyncPhase.DONE:
            self.bar.hide()
            return
        self.bar.show()
        if p.items_total:
            self.bar.setRange(0, int(p.items_total))
            self.bar.setValue(int(p.items_done))
        else:
            self.bar.setRange(0, 0)  # busy indicator

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_status(self.status)
        super().changeEvent(event)
