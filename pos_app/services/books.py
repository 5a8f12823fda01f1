"""Books: closings (day, month, year; chained; irreversible; claims carried over), reconciliation with the
server, report models, the signed archive. :class:`Books` is the façade the CLI and the UI use; the work is
done in ``book_base`` (identity, business days, lines), ``closing``, ``book_reports``, ``reconcile`` and
``signing``.

Business-day rule: entries carry ``Books.open_business_day(now)`` as their ``business_day`` (the Paris day of
``now``, or the next day not yet closed). Writers that forget are still safe: the day book moves an entry
written after its day's closing to the next open day, and closings snapshot their totals.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.timeutil import to_utc_text

from ..core.closing import Closing
from ..reports.model import DayReport, MonthReport, Reconciliation
from ..store.closings import ClosingStore
from ..store.ledger import LedgerStore
from . import book_reports, closing
from .book_base import BookBase, BooksError, BooksProblem
from .book_reports import LedgerSource
from .reconcile import check_closings, reconcile_lines
from .signing import canonical_json, fingerprint, load_or_create_key, public_key_raw

__all__ = ["Books", "BooksError", "BooksProblem", "canonical_json", "check_closings", "fingerprint",
           "load_or_create_key", "public_key_raw", "reconcile_lines"]


class Books(BookBase):
    """Closings, reconciliation, report models and archive of one till."""

    def close_day(self, day: date | str | None = None) -> Closing:
        """Close a business day (default: today in Paris). Irreversible; a second closing is refused."""
        return closing.close_day(self, day)

    def close_month(self, month: str) -> Closing:
        return closing.close_month(self, month)

    def close_year(self, year: str | int) -> Closing:
        return closing.close_year(self, year)

    def reconcile(self, day: date | str, api_client: LedgerSource) -> Reconciliation:
        return book_reports.reconcile(self, day, api_client)

    def day_report(self, day: date | str, lang: str = "fr", api_client: LedgerSource | None = None) -> DayReport:
        return book_reports.day_report(self, day, lang, api_client)

    def reconciled_day_report(self, day: date | str, lang: str = "fr",
                              api_client: LedgerSource | None = None) -> DayReport:
        """The day's report, reconciled when the server answers (else it says it was not)."""
        return book_reports.reconciled_day_report(self, day, lang, api_client)

    def month_report(self, month: str) -> MonthReport:
        return book_reports.month_report(self, month)

    def export_archive(self, date_from: date | str, date_to: date | str, path: Path | str) -> dict[str, Any]:
        """Write the signed archive of the entries of business days [from, to] (a contiguous seq range, so the
        chain verifies), then an ARCHIVE_EXPORT entry naming it. Returns the manifest summary."""
        from ..reports.archive import build_archive

        lo, hi = str(date_from), str(date_to)
        if hi < lo:
            raise BooksError(BooksProblem.BAD_RANGE, f"the end date {hi} is before the start date {lo}")
        with self.db.reading() as conn:
            entries = LedgerStore.span_of_days_in(conn, lo, hi)
            first, last = (entries[0].seq, entries[-1].seq) if entries else (0, -1)
            closings = [c for c in ClosingStore.all_in(conn) if first <= c.ledger_seq <= last]
        header = {"till_id": self.till_id, "shop": self.shop, "siret": self.siret, "from": lo, "to": hi,
                  "exported_utc": to_utc_text(self.clock())}
        summary = build_archive(path, header, entries,
                                [{"kind": c.kind, "period": c.period, "ledger_seq": c.ledger_seq,
                                  "created_utc": c.created_utc, "totals": c.totals, "hash": c.hash}
                                 for c in closings], load_or_create_key(self.home))
        now = self.clock()
        entry = LedgerEntry(seq=0, ts_utc=to_utc_text(now), business_day=self.open_business_day(now).isoformat(),
                            kind=EntryKind.ARCHIVE_EXPORT, till_id=self.ledger_till_id, cashier=self.cashier,
                            data={"from": lo, "to": hi, "file": Path(path).name, **summary})
        self.ledger.append(entry)
        return summary
