"""`voucher-server fec`: the accountant's export of a period's books (FEC, art. A47 A-1 LPF, or a spreadsheet)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..services.chart import ChartError, Role, current_chart, set_accounts
from .common import add_parser, database


def register(sub: Any) -> None:
    p = add_parser(sub, "fec", fec, "the books of a period for the accountant (FEC file, or --csv a spreadsheet)")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--csv", action="store_true", help="a ';'-separated UTF-8 journal for a spreadsheet")
    p.add_argument("--by", default="cli", help="who exports (recorded with the export)")
    p.add_argument("--again", type=int, metavar="EXPORT_ID",
                   help="make a recorded export again with its own chart version (the same bytes)")
    p = add_parser(sub, "accounts", accounts, "the chart of accounts in force, or a new version with one role's"
                   " account")
    p.add_argument("--role", choices=[r.value for r in Role])
    p.add_argument("--number", help="the account number (3 to 20 digits, PCG class 1 to 8)")
    p.add_argument("--label", help="the account's label")
    p.add_argument("--by", default="cli", help="who changes the chart (recorded with the version)")


def accounts(args: argparse.Namespace) -> int:
    """Print the chart (JSON); with --role, --number and --label, first record a new version (never retroactive:
    past exports keep the version they name)."""
    with database(args) as db, db.writing() as s:
        if args.role is not None:
            if not args.number or not args.label:
                print("accounts: --role demande --number et --label / --role needs --number and --label",
                      file=sys.stderr)
                return 2
            try:
                set_accounts(s, {Role(args.role): (args.number, args.label)}, args.by, datetime.now(UTC))
            except ChartError as exc:
                print(f"accounts: {exc}", file=sys.stderr)
                return 1
        chart = current_chart(s)
        print(json.dumps({"version": chart.version,
                          "accounts": {r.value: list(v) for r, v in chart.accounts.items()}}, ensure_ascii=False))
    return 0


def fec(args: argparse.Namespace) -> int:
    # here, not at the top: the FEC's modules would cost every other command a fifth of a second to start
    from ..services.fec_files import FecFormat, export_fec, reexport
    from ..services.periods import Period

    if args.again is not None:
        with database(args) as db, db.reading() as s:
            try:
                f = reexport(s, args.again)
            except ValueError as exc:
                print(f"fec: {exc}", file=sys.stderr)
                return 1
    else:
        try:
            period = Period(date.fromisoformat(args.date_from or ""), date.fromisoformat(args.date_to or ""))
        except ValueError:
            print("fec: --from / --to : dates YYYY-MM-DD attendues, --to après --from", file=sys.stderr)
            return 2
        fmt = FecFormat.CSV if args.csv else FecFormat.FEC
        with database(args) as db, db.writing() as s:
            f = export_fec(s, period, args.by, datetime.now(UTC), fmt)
    Path(args.out).write_bytes(f.data)
    print(json.dumps(f.as_json(), ensure_ascii=False))
    return 0
