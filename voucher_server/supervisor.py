"""uvicorn's worker supervisor with one listening socket per worker (why: ``listeners.py``)."""

from __future__ import annotations

import logging
import socket

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")


class SocketPerWorker(Multiprocess):
    """uvicorn's supervisor, with worker ``i`` (and whatever replaces it after a crash or a SIGHUP) serving on
    ``sockets[i]``. The supervisor keeps every socket open, so connections the kernel queued on a dead worker's
    socket wait for its replacement instead of being refused. The number of workers is fixed (one socket each)."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets=sockets[:1])
        self.slot_sockets = sockets
        self.processes_num = len(sockets)

    def _new_process(self, idx: int) -> Process:
        process = Process(self.config, [self.slot_sockets[idx]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._new_process(idx) for idx in range(self.processes_num)]

    def keep_subprocess_alive(self) -> None:
        for idx, process in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # dead or hung
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # the app, the database URL... would fail the same way again
                logger.error(f"Child process [{process.pid}] failed to start, stopping the parent process.")
                self.should_exit.set()
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[idx] = self._new_process(idx)

    def restart_all(self) -> None:
        """SIGHUP: each worker replaced in turn, the new one serving before the old one goes."""
        for idx, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._new_process(idx)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                logger.error(f"New child process [{new.pid}] was not ready in time; keeping [{old.pid}].")
                return
            old.terminate()
            old.join()
            self.processes[idx] = new

    def handle_ttin(self) -> None:
        logger.warning("SIGTTIN ignored: the number of workers is fixed (one socket each); restart with --workers")

    def handle_ttou(self) -> None:
        logger.warning("SIGTTOU ignored: the number of workers is fixed (one socket each); restart with --workers")
