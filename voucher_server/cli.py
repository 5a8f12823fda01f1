"""`voucher-server` command line: serve, seed-demo, create-campaign, add-merchant, add-terminal, issue,
print-vouchers. Every command that opens the database first upgrades it to the latest migration."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from .config import DEFAULT_DB

DB_HELP = "sqlite:///FILE (default) or postgresql+psycopg://user@host/db"


def _db_url(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("VOUCHER_SERVER_DB") or DEFAULT_DB


def _secret(required: bool = True) -> str | None:
    secret = os.environ.get("VOUCHER_SERVER_SECRET")
    if not secret and required:
        sys.exit("VOUCHER_SERVER_SECRET must be set (it encrypts the campaigns' private keys)")
    return secret


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .db import is_sqlite, upgrade

    url = _db_url(args)
    upgrade(url)
    os.environ["VOUCHER_SERVER_DB"] = url  # the app factory reads it (also in worker processes)
    if args.void_window is not None:
        os.environ["VOUCHER_SERVER_VOID_WINDOW"] = str(args.void_window)
    sys.setswitchinterval(0.001)  # hand the GIL over sooner to a thread that holds a database lock
    # One process is one core's worth of Python: PostgreSQL takes writers in parallel, so use them all.
    workers = args.workers or (1 if is_sqlite(url) else os.cpu_count() or 1)
    uvicorn.run("voucher_server.app:create_app", factory=True, host=args.host, port=args.port,
                workers=workers, log_level=args.log_level, access_log=False,
                proxy_headers=False)  # nothing here uses the client's address; saves a middleware per request
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from . import admin, crypto
    from .db import Database, upgrade

    url = _db_url(args)
    upgrade(url)
    secret = _secret(required=False)
    if not secret:
        print("warning: VOUCHER_SERVER_SECRET unset; demo keys encrypted with the demo-only secret",
              file=sys.stderr)
        secret = crypto.DEMO_SECRET
    db = Database(url)
    try:
        admin.seed_demo(db, secret)
        db.analyze()
        data = admin.demo_json(db)
    finally:
        db.dispose()
    Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"demo: {len(data['terminals'])} terminals, {len(data['vouchers'])} vouchers -> {args.json}")
    return 0


def cmd_create_campaign(args: argparse.Namespace) -> int:
    from . import admin
    from .db import Database, upgrade

    url = _db_url(args)
    upgrade(url)
    db = Database(url)
    with db.writing() as s:
        admin.create_campaign(s, args.id, args.name, args.face, args.price, date.fromisoformat(args.valid_from),
                              date.fromisoformat(args.valid_until), _secret() or "", key_id=args.key_id,
                              merchant_ids=args.merchant or [], seller_ids=args.seller or [])
    db.dispose()
    print(f"campaign {args.id} created")
    return 0


def cmd_add_merchant(args: argparse.Namespace) -> int:
    from . import admin
    from .db import Database, upgrade

    url = _db_url(args)
    upgrade(url)
    db = Database(url)
    roles = set(args.role or ["merchant"])
    with db.writing() as s:
        m = admin.add_merchant(s, args.name, args.siret, args.address, merchant="merchant" in roles,
                               seller="seller" in roles, merchant_id=args.id, campaigns=args.campaign or [])
        mid = m.id
    db.dispose()
    print(mid)
    return 0


def cmd_add_terminal(args: argparse.Namespace) -> int:
    from . import admin
    from .db import Database, upgrade

    url = _db_url(args)
    upgrade(url)
    db = Database(url)
    with db.writing() as s:
        t, token = admin.add_terminal(s, args.merchant, args.name)
        tid = t.id
    db.dispose()
    print(f"terminal {tid} for {args.merchant}; token (shown once, store it now):")
    print(token)
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    from . import admin
    from .db import Database, upgrade

    url = _db_url(args)
    upgrade(url)
    db = Database(url)
    with db.writing() as s:
        serials = admin.issue(s, args.campaign, args.count, secret=_secret())
    db.analyze()
    db.dispose()
    print(f"issued {len(serials)} vouchers: {serials[0]} .. {serials[-1]}" if serials else "issued 0 vouchers")
    return 0


def cmd_block(args: argparse.Namespace) -> int:
    from pos_app.core.codes import CodeError, serial_of

    from . import admin
    from .db import Database, upgrade

    url = _db_url(args)
    upgrade(url)
    db = Database(url)
    try:
        serial = serial_of(args.code)
        with db.writing() as s:
            state = admin.set_blocked(s, serial, blocked=args.command == "block")
    except (CodeError, ValueError) as exc:
        sys.exit(f"{args.command}: {exc}")
    finally:
        db.dispose()
    print(f"{serial}: {state}")
    return 0


def cmd_print_vouchers(args: argparse.Namespace) -> int:
    from .db import Database, upgrade
    from .printing import print_vouchers

    url = _db_url(args)
    upgrade(url)
    db = Database(url)
    n = print_vouchers(db, args.campaign, Path(args.pdf), state=args.state, limit=args.limit)
    db.dispose()
    print(f"{n} vouchers -> {args.pdf}", flush=True)
    # PySide6 6.12 aborts in interpreter finalisation after QPdfWriter use (none_dealloc); the PDF is complete
    # and closed at this point, so leave without running the finalisers.
    sys.stderr.flush()
    os._exit(0)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="voucher-server", description="Reference central voucher API")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the API")
    s.add_argument("--db", help=DB_HELP)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=None,
                   help="server processes (default: one per CPU on PostgreSQL, 1 on SQLite, which has one writer)")
    s.add_argument("--void-window", type=float, help="seconds (default 600 or VOUCHER_SERVER_VOID_WINDOW)")
    s.add_argument("--log-level", default="warning")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("seed-demo", help="demo campaign, shops, seller, vouchers; tokens and codes as JSON")
    s.add_argument("--db", help=DB_HELP)
    s.add_argument("--json", required=True, help="where to write the demo tokens and codes")
    s.set_defaults(func=cmd_seed_demo)

    s = sub.add_parser("create-campaign")
    s.add_argument("--db", help=DB_HELP)
    s.add_argument("--id", required=True, help="short upper-case id, e.g. BOOST24")
    s.add_argument("--name", required=True)
    s.add_argument("--face", type=int, required=True, help="face value in cents")
    s.add_argument("--price", type=int, required=True, help="sale price in cents")
    s.add_argument("--valid-from", required=True, help="YYYY-MM-DD")
    s.add_argument("--valid-until", required=True, help="YYYY-MM-DD (last day counts)")
    s.add_argument("--key-id", default="K1")
    s.add_argument("--merchant", action="append", help="participating merchant id (repeatable)")
    s.add_argument("--seller", action="append", help="selling merchant id (repeatable)")
    s.set_defaults(func=cmd_create_campaign)

    s = sub.add_parser("add-merchant")
    s.add_argument("--db", help=DB_HELP)
    s.add_argument("--name", required=True)
    s.add_argument("--id", help="default: next M0001-style id")
    s.add_argument("--siret", default="")
    s.add_argument("--address", default="")
    s.add_argument("--role", action="append", choices=["merchant", "seller"])
    s.add_argument("--campaign", action="append", help="campaign to join in its roles (repeatable)")
    s.set_defaults(func=cmd_add_merchant)

    s = sub.add_parser("add-terminal", help="prints the token once")
    s.add_argument("--db", help=DB_HELP)
    s.add_argument("--merchant", required=True)
    s.add_argument("--name", default="Caisse 1")
    s.set_defaults(func=cmd_add_terminal)

    s = sub.add_parser("issue")
    s.add_argument("--db", help=DB_HELP)
    s.add_argument("--campaign", required=True)
    s.add_argument("--count", type=int, required=True)
    s.set_defaults(func=cmd_issue)

    for name in ("block", "unblock"):
        s = sub.add_parser(name, help=f"{name} a voucher (operator)")
        s.add_argument("--db", help=DB_HELP)
        s.add_argument("code", help="serial or signed code")
        s.set_defaults(func=cmd_block)

    s = sub.add_parser("print-vouchers", help="A4 sheets of vouchers as PDF")
    s.add_argument("--db", help=DB_HELP)
    s.add_argument("--campaign", required=True)
    s.add_argument("--pdf", required=True)
    s.add_argument("--state", help="only vouchers in this state (default: all)")
    s.add_argument("--limit", type=int, default=None)
    s.set_defaults(func=cmd_print_vouchers)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
