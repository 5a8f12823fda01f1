"""Books commands: verify-ledger, report, close-day (and close-month/close-year), export-archive, verify-archive."""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from typing import Any

from . import print_json, speak

_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def day_arg(text: str) -> str:
    """A day as ``2026-11-30`` or as French people write it (``30/11/2026``, ``30.11.2026``); ISO out."""
    french = _FRENCH_DATE.match(text.strip())
    try:
        day = (date(int(french[3]), int(french[2]), int(french[1])) if french
               else date.fromisoformat(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide / invalid date {text!r}: attendu / expected "
                                         "AAAA-MM-JJ, JJ/MM/AAAA (YYYY-MM-DD, DD/MM/YYYY)") from None
    return day.isoformat()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify-ledger", help="exit 0 when the ledger's file and hash chain are intact (and match "
                                             "the server's copy when it answers)")
    p.add_argument("--local", action="store_true", help="do not compare with the server's copy")
    p.set_defaults(func=verify_ledger)
    p = sub.add_parser("report", help="the day's reconciliation report (or --month: the monthly summary)")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=day_arg, help="or DD/MM/YYYY")
    p.add_argument("--month", metavar="YYYY-MM", help="monthly summary for the reimbursement claim")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--sales", action="store_true", help="the seller's sales report")
    p.add_argument("--offline", action="store_true", help="do not reconcile with the server")
    p.add_argument("--lang", dest="report_lang", choices=["fr", "en"], default="fr")
    p.set_defaults(func=report)
    p = sub.add_parser("close-day", help="close a business day (default: today, Paris time; cannot be undone)")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=day_arg, help="or DD/MM/YYYY")
    p.set_defaults(func=close_day)
    p = sub.add_parser("close-month", help="close a month from its day closings (cannot be undone)")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.set_defaults(func=close_month)
    p = sub.add_parser("close-year", help="close a year from its month closings (cannot be undone)")
    p.add_argument("--year", required=True, metavar="YYYY")
    p.set_defaults(func=close_year)
    p = sub.add_parser("export-archive", help="export a signed archive of the ledger")
    p.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", type=day_arg)
    p.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", type=day_arg)
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=export_archive)
    p = sub.add_parser("verify-archive", help="verify an exported archive, without the till")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=verify_archive)


def verify_ledger(args: argparse.Namespace) -> int:
    """Exit 0 when the file, the chain (and, when reachable, the server's copy of it) agree; otherwise 1, naming the
    first bad entry; 2 when the home cannot be opened."""
    from ..services.books import check_closings
    from ..services.ledger_check import verify_local
    from ..services.till import Till
    from ..store import StoreError

    try:
        till = Till.open(args.home)
    except StoreError as exc:
        print(f"verify-ledger: {speak(None).say_error(exc)}", file=sys.stderr)
        return 2
    try:
        verdict = verify_local(till)
        note = "not compared with the server (till not configured)"
        if verdict.ok and till.configured and not args.local:
            verdict, note = _against_server(till, verdict)
        problems = check_closings(till.db) if verdict.ok else []
    finally:
        till.close()
    if not verdict.ok:
        print(f"ledger BROKEN at entry {verdict.bad_seq}: {verdict.reason}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"closings BROKEN: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ledger OK: {verdict.checked} entries, head {verdict.head_seq} {verdict.head_hash[:16]}; {note}")
    return 0


def _against_server(till: Any, local: Any) -> tuple[Any, str]:
    """The verdict with the server's copy compared, or the local one and why the server was not asked."""
    from ..api.errors import ApiError
    from ..api.tokens import TokenError
    from ..services.ledger_check import compare_with_server
    from ..services.till import ConfigError

    try:
        return compare_with_server(till, local), "matches the server's copy"
    except (ApiError, TokenError, ConfigError) as exc:
        return local, f"not compared with the server ({exc})"


def _books(args: argparse.Namespace) -> Any:
    from ..services.till import Till

    return Till.open(args.home).books


def _server_fetcher(books: Any) -> Any:
    """The till's API client when it is configured (token from POS_APP_TOKEN or the keyring), else None."""
    from ..store.settings import SettingKey

    if not books.settings.get(SettingKey.SERVER_URL):
        return None
    try:
        from ..services.till import Till

        return Till.open(books.home).api
    except Exception:  # the till services cannot give a client (no keyring): the env token, if any
        from ..api.client import ApiClient
        from ..api.tokens import MemoryTokenProvider

        token = os.environ.get("POS_APP_TOKEN")
        return ApiClient(books.settings.get(SettingKey.SERVER_URL), MemoryTokenProvider(token)) if token else None


def _fail(name: str, exc: Exception, lang: str = "fr") -> int:
    """A refusal of the books in words (``lang``, French by default); a storage or input error as it says."""
    from ..services.books import BooksError
    from ..store import StoreError

    message = speak(lang).say_error(exc) if isinstance(exc, (BooksError, StoreError)) else str(exc)
    print(f"{name}: {message}", file=sys.stderr)
    return 1


def _month(books: Any, args: argparse.Namespace, lang: str) -> int:
    from ..reports.pdf import write_pdf

    month = books.month_report(args.month)
    if args.pdf:
        write_pdf(month, args.pdf, lang)
    print_json({"month": args.month, "days": len(month.days), "totals": month.totals})
    return 0


def _day_report(books: Any, args: argparse.Namespace, lang: str) -> Any:
    """The day's report, reconciled when the server answers; otherwise said so on the report."""
    return books.reconciled_day_report(args.date, lang, None if args.offline else _server_fetcher(books))


def report(args: argparse.Namespace) -> int:
    """Write the report as PDF and/or CSV; print the totals as one JSON line."""
    from ..services.books import BooksError
    from ..store import StoreError

    lang = args.report_lang
    if not args.date and not args.month:
        print("report: --date ou --month requis / --date or --month required", file=sys.stderr)
        return 2
    try:
        books = _books(args)
        if args.month:
            return _month(books, args, lang)
        rep = _day_report(books, args, lang)
        out: dict[str, Any] = {"date": rep.day, "lines": len(rep.lines), "totals": rep.totals,
                               "closing_hash": rep.closing.hash if rep.closing else None,
                               "key_fingerprint": rep.key_fingerprint}
        if args.pdf:
            from ..reports.pdf import write_pdf

            write_pdf(rep, args.pdf, lang, sales=args.sales)
        if args.csv:
            from ..reports.csv import write_csv

            out["csv_rows"] = write_csv(rep, args.csv, lang)
        if rep.reconciliation is not None:
            out["reconciliation"] = rep.reconciliation.counts()
        if rep.recon_error:
            out["reconciliation_error"] = rep.recon_error
        print_json(out)
        return 0
    except (BooksError, StoreError, ValueError) as exc:
        return _fail("report", exc, lang)


def _closing_out(closing: Any) -> dict[str, Any]:
    return {"kind": closing.kind, "period": closing.period, "ledger_seq": closing.ledger_seq,
            "hash": closing.hash, "totals": closing.totals}


def close_day(args: argparse.Namespace) -> int:
    """Close a day (default: today in Paris); exit 1 if refused (already closed, not yet begun, earlier day
    open...), so a second run never closes tomorrow."""
    from ..services.books import BooksError
    from ..store import StoreError

    try:
        books = _books(args)
        closing = books.close_day(args.date)
        print_json({**_closing_out(closing), "key_fingerprint": books.key_fingerprint()})
        return 0
    except (BooksError, StoreError, ValueError) as exc:
        return _fail("close-day", exc)


def close_month(args: argparse.Namespace) -> int:
    from ..services.books import BooksError
    from ..store import StoreError

    try:
        print_json(_closing_out(_books(args).close_month(args.month)))
        return 0
    except (BooksError, StoreError, ValueError) as exc:
        return _fail("close-month", exc)


def close_year(args: argparse.Namespace) -> int:
    from ..services.books import BooksError
    from ..store import StoreError

    try:
        print_json(_closing_out(_books(args).close_year(args.year)))
        return 0
    except (BooksError, StoreError, ValueError) as exc:
        return _fail("close-year", exc)


def export_archive(args: argparse.Namespace) -> int:
    from ..services.books import BooksError
    from ..store import StoreError

    try:
        summary = _books(args).export_archive(args.date_from, args.date_to, args.file)
        print_json({"file": args.file, **summary})
        return 0
    except (BooksError, StoreError, ValueError, OSError) as exc:
        return _fail("export-archive", exc)


def verify_archive(args: argparse.Namespace) -> int:
    """Exit 0 when signature, schema and chain hold; prints the key fingerprint to compare with reports."""
    from ..reports.archive import verify_archive as check

    result = check(args.file)
    print_json({"ok": result.ok, "entries": result.entries, "first_seq": result.first_seq,
                "last_seq": result.last_seq, "head_hash": result.head_hash, "period": result.period,
                "key_fingerprint": result.key_fingerprint, "problems": result.problems})
    return 0 if result.ok else 1
