"""Vouchers bought online: the buyer's order, the payment provider's webhook events, the operator's limits and the
provider's payouts (what it paid the operator, net of its fees).

Figures come from the activity log (the provider is a seller: its sales are ``activate`` activities under its
merchant id); these rows record the order, what the provider told us, and what the operator did about it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import SERIAL_LEN, Base


class OrderState(StrEnum):
    PENDING = "pending"  # checkout opened, no signed confirmation yet: nothing issued
    PAID = "paid"  # the signed webhook confirmed it: vouchers issued and activated
    EXPIRED = "expired"  # the provider's checkout expired unpaid: nothing was ever issued
    REFUNDED = "refunded"  # refunded before use: its vouchers' sales voided and blocked


class OnlineOrder(Base):
    """One checkout. ``token`` is the unguessable part of the link in the buyer's e-mail."""

    __tablename__ = "online_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), nullable=False)
    provider_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)  # lower-cased: the buyer's key
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    session_id: Mapped[str | None] = mapped_column(String(255), nullable=True, unique=True)  # the provider's
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    test_mode: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_day: Mapped[date] = mapped_column(Date, nullable=False)  # Paris day: the per-day limit counts it
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    paid_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    payment_ref: Mapped[str] = mapped_column(String(255), nullable=False, default="")  # provider's payment intent
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OnlineOrderVoucher(Base):
    __tablename__ = "online_order_vouchers"
    order_id: Mapped[int] = mapped_column(ForeignKey("online_orders.id"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(SERIAL_LEN), primary_key=True)


class ProviderEvent(Base):
    """Each webhook event accepted once (its signed id is the idempotency key); a redelivery finds it here."""

    __tablename__ = "provider_events"
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(32), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class OnlineLimit(Base):
    """The operator's limits for a campaign sold online (NULL: no limit)."""

    __tablename__ = "online_limits"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    per_buyer: Mapped[int | None] = mapped_column(Integer, nullable=True)  # vouchers per e-mail, whole campaign
    per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)  # vouchers per e-mail per Paris day
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_by: Mapped[str] = mapped_column(String(254), nullable=False)


class ProviderPayout(Base):
    """A payout the provider made to the operator's bank: gross collected, its fees, the net transfer."""

    __tablename__ = "provider_payouts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), nullable=False)
    reference: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)  # the provider's payout id
    day: Mapped[date] = mapped_column(Date, nullable=False)  # Paris day the money reached the bank
    period_from: Mapped[date] = mapped_column(Date, nullable=False)
    period_to: Mapped[date] = mapped_column(Date, nullable=False)
    gross_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    fee_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    net_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(254), nullable=False)
