"""Qt adapter for USB keyboard-wedge scanners: an application-wide event filter around :class:`WedgeDetector`.

Install once: ``f = WedgeFilter(app); app.installEventFilter(f); f.scanned.connect(...)``. Keys of a fast
burst are held back (so they never land in a focused field); when the burst ends with Enter/Tab it is a scan
(``scanned`` emits the raw text; ``voucher_core.codes.parse_code`` undoes US-on-AZERTY); when it turns out
to be typing, the held keys are replayed, in order, to the widget that had the focus.
The burst logic itself is Qt-free (:mod:`pos_app.scanning.wedge`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.scanning.wedge import WedgeAction, WedgeDetector

_TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}


class WedgeFilter(QObject):
    """Event filter telling scanner bursts from typing. ``scanned(str)`` fires once per scan."""

    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, max_gap_ms: float = 30.0, min_len: int = 3) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector(max_gap_ms=max_gap_ms, min_len=min_len)
        self._held: list[tuple[QObject, int, Qt.KeyboardModifier, str]] = []
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # a little over the gap: after that, what is held was typed by a person
        self._timer.setInterval(int(max_gap_ms) + 15)
        self._timer.timeout.connect(self._on_timeout)
        self.enabled = True

    def set_max_gap(self, max_gap_ms: float) -> None:
        """A new largest gap between a scanner's keys (the owner's setting), effective at once."""
        self.detector.max_gap_ms = max_gap_ms
        self._timer.setInterval(int(max_gap_ms) + 15)

    @staticmethod
    def _now_ms() -> float:
        return time.monotonic() * 1000.0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (self.enabled and event.type() == QEvent.Type.ShortcutOverride and self._held
                and isinstance(event, QKeyEvent) and Qt.Key(event.key()) in _TERMINATORS):
            event.accept()  # the Enter ending a burst is the scan's, not a shortcut's: let its KeyPress come here
            return True
        if not self.enabled or self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        # Handle each key once, where it is going: the QWindow sees it before the widget, and a key the focus
        # widget ignores propagates to its parents with the same event.
        focus = QApplication.focusWidget()
        if not isinstance(obj, QWidget) or (obj is not focus if focus is not None else not obj.isWindow()):
            return False
        assert isinstance(event, QKeyEvent)
        if event.isAutoRepeat():
            return False
        key = Qt.Key(event.key())
        now = self._now_ms()
        if key in _TERMINATORS and not (event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
                                        & ~Qt.KeyboardModifier.KeypadModifier):
            self._timer.stop()
            res = self.detector.end(now)
            if res.action is WedgeAction.SCAN:
                self._held.clear()
                self.scanned.emit(res.text)
                return True
            self._replay()  # typing: the held keys go first, then this Enter/Tab as usual
            return False
        text = event.text()
        if len(text) != 1 or not text.isprintable() or (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
            return False  # shortcuts, arrows, function keys: never part of a scan
        res = self.detector.key(text, now)
        if res.action is WedgeAction.PASS:
            return False
        if res.action is WedgeAction.RELEASE:
            self._replay()  # the held keys were typing; this key may start a new burst
        self._held.append((obj, int(event.key()), event.modifiers(), text))
        self._timer.start()
        return True

    def _on_timeout(self) -> None:
        res = self.detector.timeout(self._now_ms())
        if res.action is WedgeAction.RELEASE:
            self._replay()
        elif self._held:
            self._timer.start()

    def _replay(self) -> None:
        """Send the held keys to where they were going, in order, as the person typed them."""
        held, self._held = self._held, []
        self._replaying = True
        try:
            for obj, key, mods, text in held:
                target = QApplication.focusWidget() or obj
                for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(target, QKeyEvent(etype, key, mods, text))
        finally:
            self._replaying = False
