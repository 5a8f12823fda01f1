"""USB keyboard-wedge scanner through the real Qt event filter (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from pos_app.ui.wedge_filter import WedgeFilter
from voucher_core.codes import make_serial, parse_code

AZERTY = dict(zip("1234567890", "&é\"'(-è_çà", strict=True))
SERIAL = make_serial(555123)
SCRAMBLED = "".join(AZERTY[c] for c in SERIAL)  # a US-layout scanner typing on an AZERTY till


_NON_ASCII_KEYS = {"é": Qt.Key.Key_Eacute, "è": Qt.Key.Key_Egrave, "ç": Qt.Key.Key_Ccedilla,
                   "à": Qt.Key.Key_Agrave}


def key_clicks(qtbot, widget, text: str, delay: int) -> None:
    """qtbot.keyClicks, except for é è ç à: QTest's asciiToKey aborts on non-ASCII characters
    (qasciikey.cpp:192), so those keys are sent as the same QKeyEvents a keyboard makes, after the same delay."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch, delay=delay)
            continue
        qtbot.wait(delay)
        for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(etype, _NON_ASCII_KEYS[ch], Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture
def window(qtbot):
    w = QWidget()
    lay = QVBoxLayout(w)
    field, other = QLineEdit(), QLineEdit()
    lay.addWidget(field)
    lay.addWidget(other)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    field.setFocus()
    # 30 ms is the default; 100 ms here only absorbs the scheduling jitter of a loaded 2-core test machine
    # (keys sent 10 ms apart were seen arriving over 45 ms apart); typing at 300 ms stays far above it.
    filt = WedgeFilter(max_gap_ms=100)
    QApplication.instance().installEventFilter(filt)
    scans: list[str] = []
    filt.scanned.connect(scans.append)
    yield w, field, scans
    QApplication.instance().removeEventFilter(filt)


def test_fast_burst_is_one_scan_and_does_not_leak(qtbot, window) -> None:
    _w, field, scans = window
    field.setText("note: ")
    key_clicks(qtbot, field, SCRAMBLED, delay=10)
    qtbot.keyClick(field, Qt.Key.Key_Return, delay=10)
    assert scans == [SCRAMBLED]
    assert parse_code(scans[0]).serial == SERIAL
    qtbot.wait(100)  # nothing replayed late
    assert field.text() == "note: "


def test_tab_terminated_burst(qtbot, window) -> None:
    _w, field, scans = window
    qtbot.keyClicks(field, SERIAL, delay=10)
    qtbot.keyClick(field, Qt.Key.Key_Tab, delay=10)
    assert scans == [SERIAL] and field.text() == ""


def test_slow_typing_goes_into_the_field(qtbot, window) -> None:
    _w, field, scans = window
    key_clicks(qtbot, field, SCRAMBLED[:6], delay=300)
    qtbot.wait(250)  # the last key is handed on once the burst window (100 + 15 ms) has passed
    assert field.text() == SCRAMBLED[:6]
    qtbot.keyClick(field, Qt.Key.Key_Return, delay=300)
    assert scans == []


def test_short_burst_is_not_a_scan(qtbot, window) -> None:
    _w, field, scans = window
    qtbot.keyClicks(field, "12", delay=5)
    qtbot.keyClick(field, Qt.Key.Key_Return, delay=5)
    qtbot.wait(250)
    assert scans == [] and field.text() == "12"
