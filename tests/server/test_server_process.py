"""The server child process's port: held by the parent from the moment it is chosen, so a parallel test worker (or
anything else) can neither take it nor answer in the server's place; a stopped server refuses connections; a
restart serves the same URL."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.request import urlopen

import pytest

from voucher_server.process import ServerProcess, port_open


def _bind(port: int) -> None:
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.bind(("127.0.0.1", port))


def test_port_is_held_from_the_choice_and_served_across_a_restart(tmp_path: Path) -> None:
    srv = ServerProcess(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path)
    try:
        # before start: bound, not listening (refused), and no one else may bind it
        assert not port_open(srv.port)
        with pytest.raises(OSError):
            _bind(srv.port)
        srv.start()
        with urlopen(srv.url + "/api/v1/health", timeout=5) as resp:
            assert resp.status == 200 and json.loads(resp.read())
        first_pid = srv.pid
        srv.stop()
        assert not port_open(srv.port)  # the parent kept no copy of the listening socket
        srv.start()
        assert srv.pid != first_pid
        with urlopen(srv.url + "/api/v1/health", timeout=5) as resp:
            assert resp.status == 200
    finally:
        srv.stop()
    _bind(srv.port)  # given back once stopped


def test_a_never_started_server_gives_its_port_back(tmp_path: Path) -> None:
    srv = ServerProcess(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path)
    port = srv.port
    srv.stop()
    _bind(port)
