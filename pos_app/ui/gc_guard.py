"""Python's garbage collector runs on the GUI thread only.

Left automatic, a collection may start in any thread that allocates (a worker doing an HTTP call) and destroy
there a cycle holding Qt objects that belong to the GUI thread: a crash. So, as Anki does, automatic collection
is off once the app runs and a light timer on the GUI thread collects when the thresholds say so."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

_guard: GuiThreadGc | None = None


class GuiThreadGc(QObject):
    def __init__(self, app: QObject, interval_ms: int = 500) -> None:
        super().__init__(app)
        gc.disable()
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as automatic collection would."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                return


def collect_on_gui_thread() -> None:
    """Install the guard once per application (safe to call again)."""
    global _guard
    app = QCoreApplication.instance()
    if app is None:
        return
    try:
        if _guard is not None and _guard.parent() is app:
            return
    except RuntimeError:  # the previous application (and its guard) is gone
        pass
    _guard = GuiThreadGc(app)
