"""`voucher-server statement`: what the operator owes a shop for a period (and what a seller owes it)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from ..services.statement import shop_statement
from .common import add_parser, database


def register(sub: Any) -> None:
    p = add_parser(sub, "statement", statement, "a shop's statement for a period (by business day, campaign, till)")
    p.add_argument("--merchant", required=True, metavar="ID")
    p.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print the whole statement as JSON")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--csv", metavar="FILE")


def statement(args: argparse.Namespace) -> int:
    try:
        start, end = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    except ValueError:
        print("statement: --from / --to : dates YYYY-MM-DD attendues", file=sys.stderr)
        return 2
    if end < start:
        print("statement: --to précède --from", file=sys.stderr)
        return 2
    with database(args) as db, db.reading() as s:
        st = shop_statement(s, args.merchant, start, end)
    if not st["merchant"]["name"]:
        print(f"statement: commerce inconnu : {args.merchant}", file=sys.stderr)
        return 1
    if args.pdf:
        from ..statement_files import write_pdf

        write_pdf(st, args.pdf)
    if args.csv:
        from ..statement_files import write_csv

        write_csv(st, args.csv)
    if args.json:
        print(json.dumps(st, ensure_ascii=False, indent=1))
    else:
        print(json.dumps({k: st[k] for k in ("merchant", "from", "to", "reimbursement_cents", "remittance_cents",
                                              "counts")}, ensure_ascii=False))
    return 0
