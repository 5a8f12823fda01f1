"""Books commands: verify-ledger, report, close-day, export-archive, verify-archive (issue: ledger)."""

from __future__ import annotations

import argparse
import sys

from . import not_yet


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify-ledger", help="exit 0 when the ledger's hash chain is intact")
    p.set_defaults(func=verify_ledger)
    p = sub.add_parser("report", help="the day's reconciliation report")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--lang", dest="report_lang", choices=["fr", "en"], default="fr")
    p.set_defaults(func=lambda a: not_yet("report"))
    p = sub.add_parser("close-day", help="close a business day (cannot be undone)")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p.set_defaults(func=lambda a: not_yet("close-day"))
    p = sub.add_parser("export-archive", help="export a signed archive of the ledger")
    p.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=lambda a: not_yet("export-archive"))
    p = sub.add_parser("verify-archive", help="verify an exported archive, without the till")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=lambda a: not_yet("verify-archive"))


def verify_ledger(args: argparse.Namespace) -> int:
    """Exit 0 on an intact chain; otherwise 1, naming the first bad entry."""
    from ..store import StoreError, open_home
    from ..store.ledger import LedgerStore

    try:
        db = open_home(args.home)
        report = LedgerStore(db).verify()
    except StoreError as exc:
        print(f"verify-ledger: {exc}", file=sys.stderr)
        return 2
    if report.ok:
        print(f"ledger OK: {report.checked} entries, head {report.head_seq} {report.head_hash[:16]}")
        return 0
    print(f"ledger BROKEN at entry {report.bad_seq}: {report.reason}", file=sys.stderr)
    return 1
