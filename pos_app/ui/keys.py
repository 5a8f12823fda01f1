"""The till's keys win over a text field's own: Ctrl+Z undoes the last redemption or sale, not the typing."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

TILL_KEYS = (QKeySequence("Ctrl+Z"), QKeySequence("Ctrl+Q"))


class TillKeys(QObject):
    """Installed on a field: for the till's keys the field declines the shortcut override, so the window's
    QShortcut gets the key (a QLineEdit would otherwise take Ctrl+Z as "undo my text")."""

    def __init__(self, field: QWidget) -> None:
        super().__init__(field)
        field.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in TILL_KEYS):
                event.ignore()
                return True
        return False
