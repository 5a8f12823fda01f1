"""The operator's set-up commands: create-campaign, add-merchant, add-terminal, issue, block, unblock,
reset-till-ledger."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from .common import add_parser, database, secret


def cmd_create_campaign(args: argparse.Namespace) -> int:
    from .. import admin

    if not args.seller and not args.bulk_only:  # nobody could sell its vouchers: surely a forgotten option
        print("create-campaign: give at least one --seller (a tobacconist selling the vouchers), or --bulk-only "
              "when only the operator sells them in bulk", file=sys.stderr)
        return 2
    with database(args) as db, db.writing() as s:
        admin.create_campaign(s, args.id, args.name, args.face, args.price, date.fromisoformat(args.valid_from),
                              date.fromisoformat(args.valid_until), secret() or "", key_id=args.key_id,
                              merchant_ids=args.merchant or [], seller_ids=args.seller or [],
                              topup_until=date.fromisoformat(args.topup_until) if args.topup_until else None)
    print(f"campaign {args.id} created")
    return 0


def cmd_add_merchant(args: argparse.Namespace) -> int:
    from .. import admin

    roles = set(args.role or ["merchant"])
    with database(args) as db, db.writing() as s:
        m = admin.add_merchant(s, args.name, args.siret, args.address, merchant="merchant" in roles,
                               seller="seller" in roles, merchant_id=args.id, campaigns=args.campaign or [])
        mid = m.id
    print(mid)
    return 0


def cmd_add_terminal(args: argparse.Namespace) -> int:
    from .. import admin

    with database(args) as db, db.writing() as s:
        t, token = admin.add_terminal(s, args.merchant, args.name)
        tid = t.id
    print(f"terminal {tid} for {args.merchant}; token (shown once, store it now):")
    print(token)
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    from .. import admin

    with database(args) as db:
        with db.writing() as s:
            serials = admin.issue(s, args.campaign, args.count, secret=secret())
        db.analyze()
    print(f"issued {len(serials)} vouchers: {serials[0]} .. {serials[-1]}" if serials else "issued 0 vouchers")
    return 0


def cmd_block(args: argparse.Namespace) -> int:
    from voucher_core.codes import CodeError, serial_of

    from .. import admin

    with database(args) as db:
        try:
            serial = serial_of(args.code)
            with db.writing() as s:
                state = admin.set_blocked(s, serial, blocked=args.command == "block")
        except (CodeError, ValueError) as exc:
            sys.exit(f"{args.command}: {exc}")
    print(f"{serial}: {state}")
    return 0


def cmd_reset_ledger(args: argparse.Namespace) -> int:
    from ..services.ledger_heads import reset_chain

    with database(args) as db, db.writing() as s:
        reset_chain(s, args.terminal)
    print(f"terminal {args.terminal}: ledger chain and alarm cleared; its next sync starts a new chain")
    return 0


def register(sub: Any) -> None:
    s = add_parser(sub, "create-campaign", cmd_create_campaign)
    s.add_argument("--id", required=True, help="short upper-case id, e.g. BOOST24")
    s.add_argument("--name", required=True)
    s.add_argument("--face", type=int, required=True, help="face value in cents")
    s.add_argument("--price", type=int, required=True, help="sale price in cents")
    s.add_argument("--valid-from", required=True, help="YYYY-MM-DD")
    s.add_argument("--valid-until", required=True, help="YYYY-MM-DD (last day counts)")
    s.add_argument("--topup-until", help="YYYY-MM-DD: last day the top-up counts; after it a voucher is worth its "
                   "sale price (default: as long as the voucher)")
    s.add_argument("--key-id", default="K1")
    s.add_argument("--merchant", action="append", help="participating merchant id (repeatable)")
    s.add_argument("--seller", action="append", help="selling merchant id (repeatable; at least one)")
    s.add_argument("--bulk-only", action="store_true", help="no seller: only the operator sells it, in bulk")

    s = add_parser(sub, "add-merchant", cmd_add_merchant)
    s.add_argument("--name", required=True)
    s.add_argument("--id", help="default: next M0001-style id")
    s.add_argument("--siret", default="")
    s.add_argument("--address", default="")
    s.add_argument("--role", action="append", choices=["merchant", "seller"])
    s.add_argument("--campaign", action="append", help="campaign to join in its roles (repeatable)")

    s = add_parser(sub, "add-terminal", cmd_add_terminal, "prints the token once")
    s.add_argument("--merchant", required=True)
    s.add_argument("--name", default="Caisse 1")

    s = add_parser(sub, "reset-till-ledger", cmd_reset_ledger,
                   "after checking a flagged or replaced till: forget its ledger chain and alarm")
    s.add_argument("--terminal", type=int, required=True, help="terminal id")

    s = add_parser(sub, "issue", cmd_issue)
    s.add_argument("--campaign", required=True)
    s.add_argument("--count", type=int, required=True)

    for name in ("block", "unblock"):
        s = add_parser(sub, name, cmd_block, f"{name} a voucher (operator)")
        s.add_argument("code", help="serial or signed code")
