"""What every money figure shares: a period of Paris days, campaigns as the core sees them, fair splits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from voucher_core.campaigns import Campaign as CoreCampaign
from voucher_core.timeutil import day_bounds_utc

from ..models import Campaign


@dataclass(frozen=True, slots=True)
class Period:
    """Paris business days ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    def bounds_utc(self) -> tuple[datetime, datetime]:
        """[first instant, instant after the last day) in UTC, for queries on ``business_time``."""
        return day_bounds_utc(self.start)[0], day_bounds_utc(self.end)[1]

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def core_campaign(row: Campaign) -> CoreCampaign:
    """The core's campaign (value of the day, validity) for a campaign row; members and keys left out."""
    return CoreCampaign(id=row.id, name=row.name, face_value_cents=row.face_value_cents,
                        sale_price_cents=row.sale_price_cents, valid_from=row.valid_from,
                        valid_until=row.valid_until, topup_until=row.topup_until)


def core_campaigns(session: Session) -> dict[str, CoreCampaign]:
    """Every campaign as the core sees it, by id."""
    rows = session.scalars(select(Campaign).options(undefer(Campaign.topup_until))).all()
    return {c.id: core_campaign(c) for c in rows}


def split_cents(total: int, shares: list[int]) -> list[int]:
    """``total`` split in proportion to ``shares`` (largest remainder): whole cents that add up to ``total``.

    Ties go to the earlier share, so the same inputs always give the same split.
    """
    weight = sum(shares)
    if weight <= 0:
        raise ValueError("shares must add up to more than zero")
    exact = [total * s for s in shares]
    parts = [e // weight for e in exact]
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] % weight), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
