"""Workers deliver on the GUI thread; closing the window stops every thread; human typing is not a scan;
sounds chosen by verdict and the app runs without audio."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from pos_app.scanning.synth import blank_video
from pos_app.ui.sounds import Sounds
from pos_app.ui.workers import WorkerRunner, run_in_worker

WAIT = 30000


def test_worker_results_come_back_on_the_gui_thread(qtbot) -> None:
    seen: dict[str, object] = {}

    def work(x: int) -> int:
        seen["worker_thread"] = threading.current_thread()
        time.sleep(0.05)
        return x * 2

    def done(result: int) -> None:
        seen["result"] = result
        seen["gui"] = QThread.currentThread() is QApplication.instance().thread()

    run_in_worker(work, 21, on_done=done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=WAIT)
    assert seen["result"] == 42 and seen["gui"] is True
    assert seen["worker_thread"] is not threading.main_thread()


def test_worker_errors_are_delivered(qtbot) -> None:
    runner = WorkerRunner()
    errors: list[BaseException] = []
    runner.run(lambda: 1 / 0, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    assert isinstance(errors[0], ZeroDivisionError)
    assert runner.shutdown()


def test_closing_the_window_stops_every_thread(make_till, make_window, qtbot, tmp_path: Path) -> None:
    video = blank_video(tmp_path / "blank.avi", seconds=2.0, fps=15).path
    till = make_till()
    from pos_app.scanning.capture import FrameSource

    win = make_window(till, camera_source=FrameSource(str(video), realtime=True, loop=True))
    qtbot.waitUntil(lambda: win.cashier.camera.frames > 3, timeout=WAIT)
    scanner = win.scanner
    assert scanner is not None and scanner.running
    win.sync_now()
    win.close()
    assert not scanner.running and not scanner._capture.is_alive()
    assert win.ctx.runner.pool.activeThreadCount() == 0
    assert not [t for t in threading.enumerate() if t.name in ("ui-decode",) or t.name.startswith("capture-")]


def test_human_typing_goes_into_the_field(make_till, make_window, qtbot) -> None:
    till = make_till()
    win = make_window(till)
    field = win.cashier.manual
    field.setFocus()
    qtbot.keyClicks(field, "0000", delay=80)  # a person: slower than the scanner's max key gap
    qtbot.waitUntil(lambda: field.text() == "0000", timeout=WAIT)
    assert win.cashier.hint.text()  # the live hint says the number is incomplete


def test_sounds_by_verdict_and_silent_without_audio(make_till, make_window, vouchers, qtbot) -> None:
    quiet = Sounds(enabled=False)
    quiet.play("accepted")  # no QtMultimedia use at all: must not raise
    assert quiet.played == ["accepted"] and not quiet.available
    till = make_till()
    win = make_window(till, sounds=True)  # real QSoundEffect when QtMultimedia loads, silent otherwise
    win.cashier.on_code(vouchers.take()["code"])
    qtbot.waitUntil(lambda: win.cashier.panel.level == "accepted", timeout=WAIT)
    win.cashier.on_code("VC1:NOPE")
    qtbot.waitUntil(lambda: win.cashier.panel.level in ("warning", "refused"), timeout=WAIT)
    assert win.ctx.sounds.played[0] == "accepted" and win.ctx.sounds.played[1] in ("warning", "refused")
