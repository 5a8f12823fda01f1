"""App-wide event filter for USB keyboard-wedge scanners (Qt side of pos_app.scanning.wedge.WedgeDetector).

The scanning helper's ``qt_wedge`` module had not landed when this was written: this thin filter feeds the
real WedgeDetector and emits ``scanned(text)``; keys that turn out to be human typing are replayed."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from pos_app.scanning.wedge import WedgeAction, WedgeDetector

TERMINATORS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


class WedgeFilter(QObject):
    scanned = Signal(str)

    def __init__(self, max_gap_ms: float = 30.0, min_len: int = 6, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector(max_gap_ms=max_gap_ms, min_len=min_len)
        self._replaying = False
        self._target: QObject | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(max(5, int(max_gap_ms / 2)))
        self._timer.timeout.connect(self._tick)

    @staticmethod
    def _now() -> float:
        return time.monotonic() * 1000.0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress or not obj.isWidgetType():
            return False
        assert isinstance(event, QKeyEvent)
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        self._target = obj
        if event.key() in TERMINATORS:
            result = self.detector.end(self._now())
            self._timer.stop()
            if result.action is WedgeAction.SCAN:
                self.scanned.emit(result.text)
                return True
            if result.action is WedgeAction.RELEASE:
                self._replay(result.keys)
            return False
        text = event.text()
        if len(text) != 1 or not text.isprintable():
            return False
        result = self.detector.key(text, self._now())
        if result.action is WedgeAction.HOLD:
            self._timer.start()
            return True
        if result.action is WedgeAction.RELEASE:
            # held keys were typing; this key is now held (it may start a burst)
            self._replay(result.keys)
            self._timer.start()
            return True
        return False  # PASS: a person is typing

    def _tick(self) -> None:
        result = self.detector.timeout(self._now())
        if result.action is WedgeAction.RELEASE:
            self._replay(result.keys)
        if not self.detector.holding:
            self._timer.stop()

    def _replay(self, keys: list[str]) -> None:
        target = QApplication.focusWidget() or self._target
        if target is None:
            return
        self._replaying = True
        try:
            for ch in keys:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
        finally:
            self._replaying = False
