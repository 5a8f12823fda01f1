"""The FEC file (article A47 A-1 of the LPF) and the spreadsheet journal, and the record of each export.

The bytes depend only on the period's entries and the chart version: an export records both and the file's
SHA-256, so the same period exported again with the recorded version gives the same file, whatever accounts the
operator changed since.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models_books import FecExport
from .chart import Chart, chart_version, current_chart
from .fec import JOURNAL_NAMES, Entry, book_entries
from .periods import Period

COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise")


class FecFormat(StrEnum):
    FEC = "fec"  # tab-separated, ISO 8859-15, CRLF (the administration's flat file)
    CSV = "csv"  # ';'-separated, UTF-8 with BOM, CRLF (a spreadsheet)


def amount(cents: int) -> str:
    """``1234,56``: comma decimal separator, no grouping."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").replace(";", ",").split())


def fec_rows(entries: list[Entry], chart: Chart) -> list[tuple[str, ...]]:
    """The 18 columns of every line; ``EcritureNum`` runs 1, 2, 3... with no gap, one number per entry."""
    rows: list[tuple[str, ...]] = []
    for num, e in enumerate(entries, start=1):
        day = f"{e.day:%Y%m%d}"
        for x in e.lines:
            aux_num = f"{chart.number(x.role)}{x.aux}" if x.aux else ""
            rows.append((e.journal.value, JOURNAL_NAMES[e.journal], str(num), day, chart.number(x.role),
                         _clean(chart.label(x.role)), aux_num, _clean(x.aux_name) if x.aux else "", e.piece, day,
                         _clean(e.label), amount(x.debit_cents), amount(x.credit_cents), "", "", day, "", ""))
    return rows


def render(rows: list[tuple[str, ...]], fmt: FecFormat) -> bytes:
    sep = "\t" if fmt is FecFormat.FEC else ";"
    text = "".join(sep.join(r) + "\r\n" for r in [COLUMNS, *rows])
    if fmt is FecFormat.FEC:
        return text.encode("iso-8859-15", errors="replace")
    return b"\xef\xbb\xbf" + text.encode("utf-8")


@dataclass(frozen=True, slots=True)
class FecFile:
    period: Period
    chart: Chart
    fmt: FecFormat
    entry_count: int
    line_count: int
    debit_cents: int
    credit_cents: int
    data: bytes
    export_id: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_json(self) -> dict[str, Any]:
        return {"export_id": self.export_id, **self.period.as_json(), "chart_version": self.chart.version,
                "format": self.fmt.value, "entries": self.entry_count, "lines": self.line_count,
                "debit_cents": self.debit_cents, "credit_cents": self.credit_cents, "sha256": self.sha256}


def build_fec(session: Session, period: Period, fmt: FecFormat = FecFormat.FEC,
              chart: Chart | None = None) -> FecFile:
    """The file of ``period`` with ``chart`` (default: the chart in force); nothing is recorded."""
    chart = chart or current_chart(session)
    entries = book_entries(session, period)
    rows = fec_rows(entries, chart)
    return FecFile(period, chart, fmt, len(entries), len(rows), sum(e.debit_cents for e in entries),
                   sum(e.credit_cents for e in entries), render(rows, fmt))


def export_fec(session: Session, period: Period, by: str, now: datetime, fmt: FecFormat = FecFormat.FEC,
               version: int | None = None) -> FecFile:
    """Build the file (with chart ``version``, default the one in force) and record the export."""
    if not by.strip():
        raise ValueError("who exports must be named")
    chart = current_chart(session) if version is None else chart_version(session, version)
    f = build_fec(session, period, fmt, chart)
    row = FecExport(period_start=period.start, period_end=period.end, chart_version=chart.version,
                    file_format=fmt.value, sha256=f.sha256, entry_count=f.entry_count, exported_at=now,
                    exported_by=by.strip())
    session.add(row)
    session.flush()
    return FecFile(f.period, f.chart, f.fmt, f.entry_count, f.line_count, f.debit_cents, f.credit_cents, f.data,
                   row.id)


@dataclass(frozen=True, slots=True)
class ExportRecord:
    id: int
    period: Period
    chart_version: int
    fmt: FecFormat
    sha256: str
    entry_count: int
    exported_at: datetime
    exported_by: str


def export_history(session: Session, first_day: date | None = None) -> list[ExportRecord]:
    """Every recorded export, newest first."""
    query = select(FecExport).order_by(FecExport.id.desc())
    if first_day is not None:
        query = query.where(FecExport.period_end >= first_day)
    return [ExportRecord(r.id, Period(r.period_start, r.period_end), r.chart_version, FecFormat(r.file_format),
                         r.sha256, r.entry_count, r.exported_at, r.exported_by)
            for r in session.scalars(query).all()]


def reexport(session: Session, export_id: int) -> FecFile:
    """Export ``export_id`` made again: its period, format and chart version (the same bytes)."""
    row = session.get(FecExport, export_id)
    if row is None:
        raise ValueError(f"no export {export_id}")
    return build_fec(session, Period(row.period_start, row.period_end), FecFormat(row.file_format),
                     chart_version(session, row.chart_version))
