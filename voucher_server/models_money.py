"""The operator's money records: funders, paid statements, received remittances, bulk orders.

Figures are never stored here: they are computed from the activity log by ``services``; these rows only record
what the operator did about them (paid, received, ordered) and who did it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class PaymentMethod(StrEnum):
    """How money moved between the operator and a shop, tobacconist or buyer."""

    SEPA = "sepa"
    TRANSFER = "transfer"
    CASH = "cash"
    CHEQUE = "cheque"


class Funder(Base):
    """Who pays a campaign's top-up (a town, a community of towns)."""

    __tablename__ = "funders"
    id: Mapped[str] = mapped_column(String(8), primary_key=True)  # F0001
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    siret: Mapped[str] = mapped_column(String(14), nullable=False, default="")


class CampaignFunder(Base):
    """A funder's share of a campaign's top-up, in basis points (the shares of a campaign add up to 10 000)."""

    __tablename__ = "campaign_funders"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    funder_id: Mapped[str] = mapped_column(ForeignKey("funders.id"), primary_key=True)
    share_bp: Mapped[int] = mapped_column(Integer, nullable=False)


class StatementPayment(Base):
    """A shop's statement for [period_start, period_end] (Paris days) marked paid by the operator."""

    __tablename__ = "statement_payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False)  # PaymentMethod
    reference: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    paid_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    paid_by: Mapped[str] = mapped_column(String(200), nullable=False)

    __table_args__ = (UniqueConstraint("merchant_id", "period_start", "period_end",
                                       name="uq_statement_payments_period"),)


class RemittanceReceipt(Base):
    """What a tobacconist owed for [period_start, period_end], recorded as received by the operator."""

    __tablename__ = "remittance_receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False)  # PaymentMethod: cash or transfer
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    received_by: Mapped[str] = mapped_column(String(200), nullable=False)

    __table_args__ = (UniqueConstraint("seller_id", "period_start", "period_end",
                                       name="uq_remittance_receipts_period"),)


class BulkOrder(Base):
    """Vouchers sold by the operator itself to a company or a town, paid by transfer."""

    __tablename__ = "bulk_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer: Mapped[str] = mapped_column(String(200), nullable=False)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    total_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    ordered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ordered_by: Mapped[str] = mapped_column(String(200), nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    payment_reference: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class BulkOrderVoucher(Base):
    """The vouchers of a bulk order (its printable sheets)."""

    __tablename__ = "bulk_order_vouchers"
    order_id: Mapped[int] = mapped_column(ForeignKey("bulk_orders.id"), primary_key=True)
    serial: Mapped[str] = mapped_column(ForeignKey("vouchers.serial"), primary_key=True)
