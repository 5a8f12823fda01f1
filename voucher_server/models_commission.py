"""The operator's commission on shop reimbursements and its invoices (issue 22, "the scheme's books").

Both tables are append-only: a change of terms is a new row from a day on, a correction of an invoice is a
credit note (a new row in the same numbering), never an edit or a delete.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class CommissionMode(StrEnum):
    """How a campaign's commission is settled: deducted from the shop's payout, or invoiced apart."""

    DEDUCTED = "deducted"
    INVOICED = "invoiced"


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class CommissionTermsRow(Base):
    """A campaign's commission terms in force from ``from_day`` (Paris business day) until a later row's."""

    __tablename__ = "commission_terms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), nullable=False, index=True)
    from_day: Mapped[date] = mapped_column(Date, nullable=False)
    rate_bp: Mapped[int] = mapped_column(Integer, nullable=False)
    vat_bp: Mapped[int] = mapped_column(Integer, nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)  # CommissionMode
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    set_by: Mapped[str] = mapped_column(String(200), nullable=False)


class CommissionInvoice(Base):
    """A commission invoice of one shop for one period, or a credit note cancelling one (``corrects_id``).

    ``seq`` is the one unbroken sequence of both (taken from the locked ``counters`` row
    ``commission_invoice`` in the issuing transaction); ``generation`` counts the invoices of the same shop and
    period before it, so two concurrent issues of the same period collide on the unique key.
    """

    __tablename__ = "commission_invoices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False, unique=True)
    number: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # InvoiceKind
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    generation: Mapped[int] = mapped_column(Integer, nullable=False)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("commission_invoices.id"), nullable=True,
                                                    unique=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    issue_day: Mapped[date] = mapped_column(Date, nullable=False)
    due_day: Mapped[date] = mapped_column(Date, nullable=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    issued_by: Mapped[str] = mapped_column(String(200), nullable=False)
    face_value_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    commission_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    vat_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    ttc_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    deducted_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)  # TTC settled by the payout
    # Frozen at issue (JSON): both parties' identities and the lines by campaign and terms.
    parties: Mapped[str] = mapped_column(Text, nullable=False)
    lines: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (UniqueConstraint("merchant_id", "period_start", "period_end", "kind", "generation",
                                       name="uq_commission_invoices_period"),)
