"""Frame sources (camera index, video file or stream URL, all through cv2.VideoCapture) and a capture thread
that always hands on the newest frame, reports a lost camera and reconnects with backoff."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

class CameraStatus(StrEnum):
    """What the capture thread reports of its source."""

    RUNNING = "running"
    LOST = "lost"
    RECONNECTED = "reconnected"
    ENDED = "ended"
    STOPPED = "stopped"
    # a network camera this OpenCV cannot open at all (the Linux bundle's own build has no FFmpeg or GStreamer):
    # said once, never retried
    UNSUPPORTED = "unsupported"


STATUS_RUNNING, STATUS_LOST, STATUS_RECONNECTED, STATUS_ENDED, STATUS_STOPPED, STATUS_UNSUPPORTED = (
    CameraStatus.RUNNING, CameraStatus.LOST, CameraStatus.RECONNECTED, CameraStatus.ENDED, CameraStatus.STOPPED,
    CameraStatus.UNSUPPORTED)


def network_streams_supported() -> bool:
    """Whether this OpenCV can open ``http://`` and ``rtsp://`` cameras (it needs its FFmpeg or GStreamer)."""
    registry = cv2.videoio_registry
    return bool(registry.hasBackend(cv2.CAP_FFMPEG) or registry.hasBackend(cv2.CAP_GSTREAMER))


@dataclass(frozen=True)
class Frame:
    """A captured frame: BGR pixels, its running index and capture time (ms, monotonic or video time)."""

    image: np.ndarray
    index: int
    t_ms: float


class FrameSource:
    """One ``cv2.VideoCapture`` over a camera index, a video file path or a URL.

    ``realtime``: for files, pace reads at the file's frame rate (a simulated camera); otherwise files are
    read as fast as possible with t_ms = video time. ``loop``: restart a file at its end (demo camera).
    """

    def __init__(self, spec: int | str | Path, *, width: int | None = None, height: int | None = None,
                 fps: float | None = None, realtime: bool = False, loop: bool = False) -> None:
        if isinstance(spec, str) and spec.isdigit():
            spec = int(spec)
        self.spec: int | str = spec if isinstance(spec, int) else str(spec)
        self.width, self.height, self.fps = width, height, fps
        self.realtime = realtime
        self.loop = loop
        self._cap: cv2.VideoCapture | None = None
        self._t0: float | None = None
        self._frame_no = 0

    @property
    def start_monotonic(self) -> float | None:
        """For a real-time file: the time.monotonic() at which its frame time 0 was (None before the first read)."""
        return self._t0

    @property
    def is_camera(self) -> bool:
        return isinstance(self.spec, int)

    @property
    def is_file(self) -> bool:
        return isinstance(self.spec, str) and "://" not in self.spec

    @property
    def is_stream(self) -> bool:
        """A network camera (``http://``, ``rtsp://`` ...)."""
        return isinstance(self.spec, str) and "://" in self.spec

    def open(self) -> bool:
        """(Re)open the source; True when frames can be read."""
        self.close()
        cap = cv2.VideoCapture(self.spec)
        if not cap.isOpened():
            cap.release()
            return False
        if self.width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        if self.height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        if self.fps:
            cap.set(cv2.CAP_PROP_FPS, self.fps)
        if self.is_camera:
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # fewer stale frames queued in the driver
        if self.is_file and self._frame_no and not self.loop:
            # reopened after a failure (file replaced or briefly unreadable): go on where we were
            cap.set(cv2.CAP_PROP_POS_FRAMES, self._frame_no)
        self._cap = cap
        self._t0 = None
        return True

    def source_fps(self) -> float:
        """The source's nominal frame rate (30 when unknown)."""
        fps = self._cap.get(cv2.CAP_PROP_FPS) if self._cap is not None else 0.0
        return fps if fps and 1.0 <= fps <= 240.0 else 30.0

    def read(self) -> tuple[np.ndarray | None, float]:
        """The next frame and its time in ms (None when the read failed or the file ended)."""
        if self._cap is None:
            return None, 0.0
        ok, img = self._cap.read()
        if not ok or img is None:
            if self.is_file and self.loop and self._frame_no > 0:
                self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, img = self._cap.read()
            if not ok or img is None:
                return None, 0.0
        self._frame_no += 1
        if self.is_file:
            t_ms = self._frame_no * 1000.0 / self.source_fps()
            if self.realtime:  # behave like a camera: frames come at the file's pace
                now = time.monotonic()
                if self._t0 is None:
                    self._t0 = now - t_ms / 1000.0
                delay = self._t0 + t_ms / 1000.0 - now
                if delay > 0:
                    time.sleep(delay)
            return img, t_ms
        return img, time.monotonic() * 1000.0

    def at_end(self) -> bool:
        """True when a (non-looping) file has no more frames: not a failure, the video ended."""
        if not self.is_file or self.loop or self._cap is None:
            return False
        total = self._cap.get(cv2.CAP_PROP_FRAME_COUNT)
        return total > 0 and self._cap.get(cv2.CAP_PROP_POS_FRAMES) >= total

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def __repr__(self) -> str:
        return f"FrameSource({self.spec!r})"


def list_cameras(max_index: int = 6) -> list[int]:
    """Indices of cameras that open and give a frame (probes 0..max_index-1; slow-ish, call off the GUI)."""
    found = []
    for i in range(max_index):
        cap = cv2.VideoCapture(i)
        try:
            if cap.isOpened() and cap.read()[0]:
                found.append(i)
        finally:
            cap.release()
    return found


class CaptureThread(threading.Thread):
    """Reads a :class:`FrameSource` continuously; :meth:`latest` returns the newest frame only.

    On a failed read the source is reported ``lost`` and reopened with exponential backoff
    (``backoff_s`` .. ``max_backoff_s``), then ``reconnected``. Status goes to ``on_status`` (called from this
    thread) and to :attr:`status_queue`. A non-looping file that ends gives ``ended`` and the thread stops.
    A network camera this OpenCV cannot open (``streams_supported``: by default :func:`network_streams_supported`)
    gives ``unsupported`` at once and the thread stops: retrying could never succeed.
    """

    def __init__(self, source: FrameSource, *, on_status: Callable[[str], None] | None = None,
                 backoff_s: float = 0.2, max_backoff_s: float = 5.0, max_retries: int | None = None,
                 streams_supported: bool | None = None) -> None:
        super().__init__(name=f"capture-{source.spec}", daemon=True)
        self.source = source
        self.streams_supported = streams_supported  # None: asked of OpenCV in run(), off the caller's thread
        self.on_status = on_status
        self.status_queue: queue.Queue[str] = queue.Queue()
        self.backoff_s, self.max_backoff_s, self.max_retries = backoff_s, max_backoff_s, max_retries
        self._stop_evt = threading.Event()
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._index = 0
        self.dropped = 0  # frames overwritten before anyone took them
        self.status = ""

    def _emit(self, status: str) -> None:
        self.status = status
        self.status_queue.put(status)
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                log.exception("status callback failed")

    def stop(self) -> None:
        self._stop_evt.set()
        with self._cond:
            self._cond.notify_all()

    @property
    def stopped(self) -> bool:
        return self._stop_evt.is_set()

    def latest(self, after: int = -1, timeout: float | None = None) -> Frame | None:
        """The newest frame whose index is greater than ``after``, waiting up to ``timeout`` s for one.
        None on timeout or when the thread finished."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._latest is None or self._latest.index <= after:
                if not self.is_alive() and self._latest is not None and self._latest.index <= after:
                    return None
                if self._stop_evt.is_set() or self.status in (STATUS_ENDED, STATUS_UNSUPPORTED):
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(0.1 if remaining is None else min(remaining, 0.1))
            return self._latest

    def run(self) -> None:
        src = self.source
        if self.streams_supported is None:
            self.streams_supported = network_streams_supported()
        if src.is_stream and not self.streams_supported:
            self._emit(STATUS_UNSUPPORTED)
            self._finish()
            return
        if not src.open():
            self._emit(STATUS_LOST)
            if not self._reconnect():
                self._finish()
                return
            self._emit(STATUS_RECONNECTED)
        else:
            self._emit(STATUS_RUNNING)
        fresh_reconnect = False
        while not self._stop_evt.is_set():
            img, t_ms = src.read()
            if img is None:
                # a file that fails again right after reopening has simply ended (cameras and streams retry)
                if src.at_end() or (src.is_file and fresh_reconnect):
                    self._emit(STATUS_ENDED)
                    break
                self._emit(STATUS_LOST)
                if not self._reconnect():
                    break
                self._emit(STATUS_RECONNECTED)
                fresh_reconnect = True
                continue
            fresh_reconnect = False
            with self._cond:
                if self._latest is not None and self._latest.index == self._index:
                    self.dropped += 1
                self._index += 1
                self._latest = Frame(img, self._index, t_ms)
                self._cond.notify_all()
        self._finish()

    def _finish(self) -> None:
        self.source.close()
        if self.status not in (STATUS_ENDED, STATUS_UNSUPPORTED):
            self._emit(STATUS_STOPPED)
        with self._cond:
            self._cond.notify_all()

    def _reconnect(self) -> bool:
        """Reopen the source until it gives a frame, with backoff; False when stopped or out of retries."""
        delay = self.backoff_s
        tries = 0
        while not self._stop_evt.wait(delay):
            tries += 1
            if self.source.open():
                return True
            if self.max_retries is not None and tries >= self.max_retries:
                return False
            delay = min(delay * 2, self.max_backoff_s)
        return False
