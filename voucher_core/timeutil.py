"""Time rules of the house: UTC stored, Europe/Paris shown, a business day is a Paris calendar day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

Clock = Callable[[], datetime]
"""An injectable clock: returns an aware UTC datetime."""


def utc_now() -> datetime:
    """The real clock (aware, UTC)."""
    return datetime.now(UTC)


def to_utc_text(moment: datetime) -> str:
    """Canonical UTC text for storage and hashing: ``2026-11-23T14:05:09.123456Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times must be aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc_text(text: str) -> datetime:
    """Inverse of :func:`to_utc_text`; also accepts ISO 8601 with an offset."""
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment.astimezone(UTC)


def business_day(moment: datetime) -> date:
    """The Paris calendar day a moment belongs to (``moment`` must be aware)."""
    if moment.tzinfo is None:
        # astimezone() would silently read a naive time as the machine's local time.
        raise ValueError("naive datetime: times must be aware")
    return moment.astimezone(PARIS).date()


def day_bounds_utc(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a Paris business day, in UTC (23, 24 or 25 hours long)."""
    start = datetime.combine(day, time(0), PARIS)
    end = datetime.combine(day + timedelta(days=1), time(0), PARIS)
    return start.astimezone(UTC), end.astimezone(UTC)


def paris_text(moment: datetime, with_seconds: bool = False) -> str:
    """A moment as shown to users: Paris local time, ``23/11/2026 15:05``."""
    fmt = "%d/%m/%Y %H:%M:%S" if with_seconds else "%d/%m/%Y %H:%M"
    return moment.astimezone(PARIS).strftime(fmt)
