"""Background tasks for the GUI: the GUI thread never blocks on network, disk, decoding or rendering."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the call back to the GUI thread."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, runner: WorkerRunner, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[BaseException], None] | None) -> None:
        super().__init__()
        self._runner, self._on_done, self._on_error = runner, on_done, on_error
        self.done.connect(self._deliver_done, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._deliver_error, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        self._runner._forget(self)
        if self._on_done is not None and not self._runner.closed:
            self._on_done(result)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        self._runner._forget(self)
        if self._runner.closed:
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.error("background task failed: %r", exc)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._args, self._relay = fn, args, relay

    def run(self) -> None:
        try:
            result = self._fn(*self._args)
        except BaseException as exc:
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class WorkerRunner(QObject):
    """A private thread pool; :meth:`shutdown` waits for running tasks and drops their late results."""

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()  # keep relays alive until they deliver
        self.closed = False

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run ``fn(*args)`` in a worker; ``on_done(result)`` or ``on_error(exc)`` run in the GUI thread."""
        if self.closed:
            return
        relay = _Relay(self, on_done, on_error)
        self._relays.add(relay)
        self.pool.start(_Task(fn, args, relay))

    def _forget(self, relay: _Relay) -> None:
        self._relays.discard(relay)

    @property
    def busy(self) -> int:
        return len(self._relays)

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Stop taking tasks, wait for running ones (network calls have their own timeouts)."""
        self.closed = True
        self.pool.clear()
        return self.pool.waitForDone(timeout_ms)


_default: WorkerRunner | None = None


def default_runner() -> WorkerRunner:
    global _default
    if _default is None or _default.closed:
        _default = WorkerRunner()
    return _default


def run_in_worker(fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None) -> None:
    """Run ``fn(*args)`` on the shared pool; callbacks are delivered on the GUI thread."""
    default_runner().run(fn, *args, on_done=on_done, on_error=on_error)
