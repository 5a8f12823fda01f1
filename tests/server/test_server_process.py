"""The server child process's port: held by the parent from the moment it is chosen, so a parallel test worker (or
anything else) can neither take it nor answer in the server's place; a stopped server refuses connections; a
restart serves the same URL."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
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


def _tcp_sockets(port: int) -> list[tuple[str, int, int]]:
    """(state, remote port, inode) of every IPv4 TCP socket whose local port is ``port``, from /proc/net/tcp."""
    rows = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], int(fields[9])
        if int(local.split(":")[1], 16) == port:
            rows.append(("LISTEN" if state == "0A" else "ESTABLISHED" if state == "01" else state,
                         int(remote.split(":")[1], 16), inode))
    return rows


def _socket_holders(group: int) -> dict[int, set[int]]:
    """Socket inode -> pids of process group ``group`` that hold it open."""
    holders: dict[int, set[int]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) != group:
                continue
            links = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:
            continue  # ended meanwhile
        for link in links:
            if link.startswith("socket:["):
                holders.setdefault(int(link[8:-1]), set()).add(int(proc.name))
    return holders


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreads connections on Linux only")
def test_each_worker_listens_on_its_own_socket_and_connections_reach_both(tmp_path: Path) -> None:
    """Two workers: two listening sockets on the one port, one per worker process, and a burst of keep-alive
    clients (as a shop's tills) is served by both workers rather than by whichever woke first."""
    srv = ServerProcess(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path, workers=2)
    clients: list[http.client.HTTPConnection] = []
    try:
        srv.start()
        assert srv.pid is not None
        clients = [http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10) for _ in range(24)]
        for client in clients:
            client.request("GET", "/api/v1/health")
            assert client.getresponse().read()
        rows = _tcp_sockets(srv.port)
        holders = _socket_holders(srv.pid)
        listening = [inode for state, _, inode in rows if state == "LISTEN"]
        workers = {pid for inode in listening for pid in holders.get(inode, set())} - {srv.pid}
        assert len(listening) == 2 and len(workers) == 2
        # each worker holds exactly one of them, not the same one
        assert sorted(len({i for i in listening if pid in holders.get(i, set())}) for pid in workers) == [1, 1]
        assert holders[listening[0]] - {srv.pid} != holders[listening[1]] - {srv.pid}
        ours = {client.sock.getsockname()[1] for client in clients}
        served_by = {pid for state, remote, inode in rows if state == "ESTABLISHED" and remote in ours
                     for pid in holders.get(inode, set())}
        assert served_by == workers
    finally:
        for client in clients:
            client.close()
        srv.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreads connections on Linux only")
def test_a_killed_worker_is_replaced_on_its_own_socket(tmp_path: Path) -> None:
    """A worker that dies is replaced by one serving on the dead one's socket (the supervisor kept it open, so the
    connections the kernel queued there are served): still two sockets, one per live worker."""
    srv = ServerProcess(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path, workers=2)
    try:
        srv.start()
        assert srv.pid is not None

        def sockets_by_worker() -> dict[int, int]:
            listening = [inode for state, _, inode in _tcp_sockets(srv.port) if state == "LISTEN"]
            holders = _socket_holders(srv.pid or 0)
            return {pid: inode for inode in listening for pid in holders.get(inode, set()) if pid != srv.pid}

        before = sockets_by_worker()
        assert len(before) == 2 and len(set(before.values())) == 2
        victim, its_socket = next(iter(before.items()))
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        after = sockets_by_worker()
        while (victim in after or len(after) < 2) and time.monotonic() < deadline:
            time.sleep(0.2)
            after = sockets_by_worker()
        assert victim not in after and len(after) == 2
        assert set(after.values()) == set(before.values())  # the replacement took the dead one's socket
        assert [pid for pid, inode in after.items() if inode == its_socket] != [victim]
        for _ in range(20):  # both sockets answer: new connections land on either
            with urlopen(srv.url + "/api/v1/health", timeout=10) as resp:
                assert resp.status == 200
    finally:
        srv.stop()


def test_a_second_server_on_a_served_port_is_refused_not_joined(tmp_path: Path) -> None:
    """`serve --workers 2` binds its own sockets able to share the port with each other, never with a server
    already there (whose sockets allow sharing too): it stops with the reason instead of taking half the clients."""
    srv = ServerProcess(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path, workers=2)
    try:
        srv.start()
        second = subprocess.run(
            [sys.executable, "-m", "voucher_server.cli", "serve", "--db", f"sqlite:///{tmp_path / 'other.sqlite3'}",
             "--port", str(srv.port), "--workers", "2"],
            capture_output=True, text=True, timeout=120, env={**srv.env, "VOUCHER_SERVER_SECRET": "x" * 32})
        assert second.returncode != 0 and f"cannot listen on 127.0.0.1:{srv.port}" in second.stderr
        assert [state for state, _, _ in _tcp_sockets(srv.port)].count("LISTEN") == 2
    finally:
        srv.stop()
