"""serve, seed-demo."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from .common import add_parser, database, db_url, secret


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..db import is_sqlite
    from ..listeners import listening_socket, worker_sockets
    from ..supervisor import SocketPerWorker
    from ..upgrades import migrate, not_at_head

    url = db_url(args)
    if not args.no_migrate:
        migrate(url)  # as the migrate step: one migrator at a time, should several servers start together
    elif (problem := not_at_head("voucher-server serve --no-migrate", url)) is not None:
        sys.exit(problem)
    os.environ["VOUCHER_SERVER_DB"] = url  # the app factory reads it (also in worker processes)
    if args.void_window is not None:
        os.environ["VOUCHER_SERVER_VOID_WINDOW"] = str(args.void_window)
    sys.setswitchinterval(0.001)  # hand the GIL over sooner to a thread that holds a database lock
    # One process is one core's worth of Python: PostgreSQL takes writers in parallel, so use them all.
    workers = args.workers or (1 if is_sqlite(url) else os.cpu_count() or 1)
    print(f"voucher-server: listening on http://{args.host}:{args.port} (API under /api/v1/), database "
          f"{_shown(url)}, {workers} worker process(es)", file=sys.stderr, flush=True)
    # Behind a TLS proxy every request comes from the proxy: trust its X-Forwarded-For (only from the addresses
    # named) so that refusals counted per client address (rate limits, sign-in lockouts) count the real client.
    trusted = args.forwarded_allow_ips
    options: dict[str, Any] = {"factory": True, "workers": workers, "log_level": args.log_level, "access_log": False,
                               "proxy_headers": bool(trusted)}
    if trusted:
        options["forwarded_allow_ips"] = trusted
    config = uvicorn.Config("voucher_server.app:create_app", **options)
    if args.fd is not None:
        # a socket bound by the parent (voucher_server.process): the port was never free for anyone else to take
        sock = socket.socket(fileno=args.fd)
    elif workers > 1:
        try:
            sock = listening_socket(args.host, args.port, config.backlog)
        except OSError as exc:
            sys.exit(f"voucher-server: cannot listen on {args.host}:{args.port}: {exc}")
    else:
        uvicorn.run("voucher_server.app:create_app", host=args.host, port=args.port, **options)
        return 0
    if workers > 1:
        # one listening socket per worker where the system spreads connections over them (listeners.py)
        SocketPerWorker(config, worker_sockets(sock, workers, config.backlog)).run()
        return 0
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    return 0 if server.started else 3  # as uvicorn.run: 3 when the application failed to start


def _shown(url: str) -> str:
    """The database URL without its password (it goes to logs)."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from .. import admin, crypto

    key_secret = secret(required=False)
    if not key_secret:
        print("warning: VOUCHER_SERVER_SECRET unset; demo keys encrypted with the demo-only secret",
              file=sys.stderr)
        key_secret = crypto.DEMO_SECRET
    with database(args) as db:
        admin.seed_demo(db, key_secret)
        db.analyze()
        data = admin.demo_json(db)
    Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"demo: {len(data['terminals'])} terminals, {len(data['vouchers'])} vouchers -> {args.json}")
    return 0


def register(sub: Any) -> None:
    s = add_parser(sub, "serve", cmd_serve, "run the API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--fd", type=int, default=None,
                   help="serve on this inherited socket, bound by the parent process (--host and --port only name it)")
    s.add_argument("--workers", type=int, default=None,
                   help="server processes (default: one per CPU on PostgreSQL, 1 on SQLite, which has one writer)")
    s.add_argument("--void-window", type=float, help="seconds (default 600 or VOUCHER_SERVER_VOID_WINDOW)")
    s.add_argument("--log-level", default="warning")
    s.add_argument("--forwarded-allow-ips", metavar="ADDRESSES",
                   help="the TLS proxy's addresses (e.g. 127.0.0.1): take the client's address from its "
                        "X-Forwarded-For / X-Forwarded-Proto headers; off by default")
    s.add_argument("--no-migrate", action="store_true",
                   help="do not migrate at start (a separate step runs `migrate`); refuse to serve an older schema")

    s = add_parser(sub, "seed-demo", cmd_seed_demo, "demo campaign, shops, seller, vouchers; tokens and codes as JSON")
    s.add_argument("--json", required=True, help="where to write the demo tokens and codes")
