"""The holders' side (issue 23): what a shop tells holders beyond its name and address, for the list of where to
spend a voucher. The town and street come from ``models_books.PostalAddress`` (or the free-text address); they are
not copied here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

CATEGORY_MAX = 60
HOURS_MAX = 400


class ShopPublic(Base):
    """A shop's public details: its category, its opening hours in its own words (a line per span of days), and
    whether holders see it listed. A shop without a row is listed, with no category nor hours."""

    __tablename__ = "shop_public"
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(CATEGORY_MAX), nullable=False, default="")
    opening_hours: Mapped[str] = mapped_column(Text, nullable=False, default="")
    listed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_by: Mapped[str] = mapped_column(String(254), nullable=False)
