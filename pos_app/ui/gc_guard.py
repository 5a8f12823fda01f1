"""Python's garbage collector runs on the GUI thread only, while a main window is open.

Left automatic, a collection may start in any thread that allocates (a worker doing an HTTP call) and destroy
there a cycle holding Qt objects that belong to the GUI thread: a crash. So, as Anki does, automatic collection
is off while a window is open and a light timer on the GUI thread collects when the thresholds say so; the last
window to close turns automatic collection back on."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

_guard: GuiThreadGc | None = None


class GuiThreadGc(QObject):
    def __init__(self, app: QObject, interval_ms: int = 500) -> None:
        super().__init__(app)
        self.users = 0
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as automatic collection would."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                return

    def acquire(self) -> None:
        self.users += 1
        gc.disable()
        self.timer.start()

    def release(self) -> None:
        self.users = max(0, self.users - 1)
        if self.users == 0:
            self.timer.stop()
            gc.enable()


def collect_on_gui_thread() -> GuiThreadGc | None:
    """A window opens: collections move to the GUI thread (pair with ``guard.release()`` when it closes)."""
    global _guard
    app = QCoreApplication.instance()
    if app is None:
        return None
    try:
        same_app = _guard is not None and _guard.parent() is app
    except RuntimeError:  # the previous application (and its guard) is gone
        same_app = False
    if not same_app:
        _guard = GuiThreadGc(app)
    assert _guard is not None
    _guard.acquire()
    return _guard
