"""The accountant's books (issue 22, part 2): the dated chart of accounts, the record of each FEC export, and the
shops' structured postal addresses that SEPA pain.001.001.09 requires.

``chart_versions`` and ``fec_exports`` are append-only: a change of accounts is a new version, and an export names
the version it used, so re-exporting a period with that version gives the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class ChartVersion(Base):
    """One version of the chart of accounts: every role's account number and label (JSON), from ``set_at``."""

    __tablename__ = "chart_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    accounts: Mapped[str] = mapped_column(Text, nullable=False)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    set_by: Mapped[str] = mapped_column(String(200), nullable=False)


class FecExport(Base):
    """An export of the books: its period, the chart version used (0: the defaults), the file's SHA-256."""

    __tablename__ = "fec_exports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    chart_version: Mapped[int] = mapped_column(Integer, nullable=False)
    file_format: Mapped[str] = mapped_column(String(8), nullable=False)  # FecFormat
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    entry_count: Mapped[int] = mapped_column(Integer, nullable=False)
    exported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    exported_by: Mapped[str] = mapped_column(String(200), nullable=False)


class PostalAddress(Base):
    """A shop's structured postal address (ISO 20022 PstlAdr), beside its free-text ``Merchant.address``."""

    __tablename__ = "postal_addresses"
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    street_name: Mapped[str] = mapped_column(String(70), nullable=False, default="")
    building_number: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    post_code: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    town_name: Mapped[str] = mapped_column(String(35), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="FR")
