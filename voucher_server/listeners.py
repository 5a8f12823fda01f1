"""Listening sockets for several server processes: one per worker, so that connections spread evenly (the
supervisor that gives each worker its own: ``supervisor.py``). Standard library only: the till's side of
``process.py`` binds with it.

Workers sharing one listening socket race to accept, and asyncio accepts a whole burst of connections at once (up to
the backlog): the worker that wakes first takes most of the tills' keep-alive connections and stays the busy one for
as long as they last (measured on 2 workers: one at 75-82 % CPU, the other at 25-44 %). On Linux, sockets bound to
one address with SO_REUSEPORT form a group and the kernel hands each new connection to one of them by a hash of its
addresses, so each worker gets its own socket and about its share. Elsewhere, or when the inherited socket was bound
without SO_REUSEPORT (one from systemd, say), the workers share the one socket as uvicorn does.
"""

from __future__ import annotations

import socket
import sys

# BSDs and macOS have SO_REUSEPORT too, without the spreading: there the last socket bound would take everything
REUSEPORT = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def allow_port_sharing(sock: socket.socket) -> None:
    """Before ``bind``: let this process's worker sockets join this one on its port (Linux; nothing elsewhere).
    Only sockets of the same user that ask for it too can join; any other bind is refused as before."""
    if REUSEPORT:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def shares_port(sock: socket.socket) -> bool:
    return REUSEPORT and sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) != 0


def _sharing_listener(family: int, address: tuple[str, int], backlog: int) -> socket.socket:
    """A socket listening on ``address`` that others of this process's sockets may join, inheritable by workers."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        allow_port_sharing(sock)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A socket listening on host:port that the workers' sockets may join. A port already served (by anything,
    another voucher-server included) is refused with OSError rather than shared: a plain bind is tried first."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        port = probe.getsockname()[1]
    return _sharing_listener(family, (host, port), backlog)


def worker_sockets(first: socket.socket, count: int, backlog: int) -> list[socket.socket]:
    """One listening socket per worker, ``first`` being the first one's; ``count`` times ``first`` where the port
    cannot be shared."""
    if count <= 1 or not shares_port(first):
        return [first] * count
    address = first.getsockname()[:2]
    return [first, *(_sharing_listener(first.family, address, backlog) for _ in range(count - 1))]
