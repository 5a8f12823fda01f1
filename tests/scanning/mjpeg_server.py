"""A local HTTP MJPEG server (multipart/x-mixed-replace) whose connection can be dropped: a real stream fault."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np


class MjpegServer:
    """Serves the frames of ``frames`` in a loop at ``fps``; :meth:`drop` closes every open connection and
    refuses new ones until :meth:`allow`; frames go on from where they were."""

    def __init__(self, frames: list[np.ndarray], fps: float = 30.0) -> None:
        self.jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes() for f in frames]
        self.fps = fps
        self.position = 0
        self.accepting = threading.Event()
        self.accepting.set()
        self.connections = 0
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if not server.accepting.is_set():
                    self.send_error(503)
                    return
                with server._lock:
                    server.connections += 1
                    server._socks.append(self.connection)
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                stop = threading.Event()
                try:
                    while server.accepting.is_set() and not stop.wait(1.0 / server.fps):
                        with server._lock:
                            jpg = server.jpegs[server.position % len(server.jpegs)]
                            server.position += 1
                        self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                         + str(len(jpg)).encode() + b"\r\n\r\n" + jpg + b"\r\n")
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/stream.mjpg"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> MjpegServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.drop()
        self.httpd.shutdown()
        self.httpd.server_close()

    def drop(self) -> None:
        """Cut every open connection (as an unplugged IP camera) and refuse new ones."""
        self.accepting.clear()
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def set_frames(self, frames: list[np.ndarray]) -> None:
        """Serve other frames from now on (from their start)."""
        jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes() for f in frames]
        with self._lock:
            self.jpegs, self.position = jpegs, 0

    def allow(self) -> None:
        self.accepting.set()


def frames_from_video(path: Path, step: int = 1) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    out = []
    i = 0
    while True:
        ok, img = cap.read()
        if not ok:
            break
        if i % step == 0:
            out.append(img)
        i += 1
    cap.release()
    return out
