"""Report models of the books: the day (its lines, its claims, its regularisations, the reconciliation with the
server and the shop's statement), and the month (its days and their sum)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Protocol, runtime_checkable

from voucher_core.timeutil import to_utc_text

from ..api.errors import ApiError
from ..core import carryover, daybook
from ..core.closing import Closing, ClosingKind
from ..core.daybook import VoucherLine
from ..reports.model import DayReport, MonthReport, Reconciliation
from ..store.ledger import LedgerStore
from .book_base import BookBase
from .closing import regularisations_in
from .reconcile import reconcile_lines


@runtime_checkable
class ServerBooks(Protocol):
    """What the reports ask the central API (``pos_app.api.ApiClient`` has it)."""

    def ledger(self, day: str) -> dict[str, Any]: ...


LedgerSource = ServerBooks | Callable[[str], dict[str, Any]]


def reconcile(books: BookBase, day: date | str, server: LedgerSource) -> Reconciliation:
    """Compare the day's lines with the server's ``/ledger?date=`` of the same business day."""
    fetch: Callable[[str], dict[str, Any]] = server.ledger if isinstance(server, ServerBooks) else server
    the_day = str(day)
    return reconcile_lines(the_day, books.day_lines(the_day), fetch(the_day))


def _statement(server: LedgerSource | None, day: str) -> dict[str, Any] | None:
    """The shop's statement of the day from the server, when the client can ask for it."""
    fetch = getattr(server, "statement", None)
    if not callable(fetch):
        return None
    try:
        answer = fetch(day, day)
    except ApiError:  # an older server, or a refusal: the report stands without it
        return None
    return answer if isinstance(answer, dict) else None


def _claims_of(books: BookBase, day: str, closing: Closing | None) -> tuple[list[carryover.Regularisation],
                                                                               list[VoucherLine]]:
    """(regularisations this day's closing carries, changes since it that the next closing will carry)."""
    if closing is not None:
        closed = {x.seq: x.status for x in books.day_lines(day, closing.ledger_seq)}
        later = [x for x in books.day_lines(day) if closed.get(x.seq, x.status) != x.status]
        return carryover.lines_of(closing.totals), later
    day_seqs = books.closings.day_seqs()
    if day_seqs and day <= max(day_seqs):
        return [], []
    with books.db.reading() as conn:  # a preview: what closing this day now would carry
        head, _ = LedgerStore.head_in(conn)
        return regularisations_in(conn, head), []


def day_report(books: BookBase, day: date | str, lang: str = "fr", server: LedgerSource | None = None) -> DayReport:
    """The day's report model. A closed day shows its state as of its closing (never changes)."""
    the_day = str(day)
    closing = books.closings.get(ClosingKind.DAY, the_day)
    lines = books.day_lines(the_day, closing.ledger_seq if closing else None)
    regs, changed = _claims_of(books, the_day, closing)
    totals = closing.totals if closing else carryover.with_claims(daybook.totals(lines), carryover.summary(regs))
    recon = reconcile(books, the_day, server) if server is not None else None
    campaigns = sorted({x.campaign_id for x in lines if x.campaign_id})
    return DayReport(the_day, books.shop, books.siret, books.till_id, campaigns, to_utc_text(books.clock()),
                     sorted(lines, key=lambda x: x.seq), totals, closing, recon, books.key_fingerprint(),
                     changed, regs, _statement(server, the_day))


def reconciled_day_report(books: BookBase, day: date | str, lang: str = "fr",
                          server: LedgerSource | None = None) -> DayReport:
    """The day's report, reconciled with the server when there is one and it answers; otherwise the report
    says why it was not reconciled (``recon_error``: the error's stable code)."""
    if server is None:
        return day_report(books, day, lang, None)
    try:
        return day_report(books, day, lang, server)
    except ApiError as exc:  # the server is down or refuses: the report is still due
        report = day_report(books, day, lang, None)
        report.recon_error = exc.code
        return report


def month_report(books: BookBase, month: str) -> MonthReport:
    """Per-day totals of a month and their sum (closed days as closed)."""
    first = date.fromisoformat(month + "-01")
    days: list[tuple[str, dict[str, Any], Closing | None]] = []
    total = daybook.empty_totals()
    d = first
    while d.month == first.month:
        closing = books.closings.get(ClosingKind.DAY, d.isoformat())
        if closing:
            t = {k: v for k, v in closing.totals.items() if k != "perpetual_total_cents"}
        else:
            lines = books.day_lines(d)
            t = carryover.with_claims(daybook.totals(lines), carryover.summary([])) if lines else {}
        if t and (t["redemption"]["count"] or t["sale"]["count"] or closing):
            days.append((d.isoformat(), t, closing))
            total = daybook.add_totals(total, t)
        d += timedelta(days=1)
    return MonthReport(month, books.shop, books.siret, books.till_id, to_utc_text(books.clock()), days, total,
                       books.closings.get(ClosingKind.MONTH, month), books.key_fingerprint())
