"""Offline acceptance policy: the operator's limits from ``/me``, tightened (never loosened) by the owner."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

DEFAULT_MAX_CACHE_AGE_S = 86_400


@dataclass(frozen=True, slots=True)
class OfflinePolicy:
    offline_allowed: bool = True
    max_offline_total_cents_per_day: int | None = None  # None: no daily cap
    max_cache_age_seconds: int = DEFAULT_MAX_CACHE_AGE_S


def _min(a: int | None, b: int | None) -> int | None:
    vals = [v for v in (a, b) if v is not None]
    return min(vals) if vals else None


def effective_policy(operator: dict[str, Any] | None, owner: dict[str, Any] | None) -> OfflinePolicy:
    """Combine the operator's policy and the owner's tightenings: each limit takes the stricter value."""
    op = operator or {}
    ow = owner or {}
    allowed = bool(op.get("offline_allowed", True)) and bool(ow.get("offline_allowed", True))
    total = _min(op.get("max_offline_total_cents_per_day"), ow.get("max_offline_total_cents_per_day"))
    age = _min(op.get("max_cache_age_seconds", DEFAULT_MAX_CACHE_AGE_S), ow.get("max_cache_age_seconds"))
    return OfflinePolicy(allowed, total, int(age if age is not None else DEFAULT_MAX_CACHE_AGE_S))


class OfflineRefusal(StrEnum):
    """Why the offline policy refuses to accept now (stable codes; the UI has the words)."""

    AUTH_BLOCKED = "auth_blocked"  # the server refused the till's token; lifted by the next authenticated call
    NOT_ALLOWED = "offline_not_allowed"
    NEVER_SYNCED = "cache_never_synced"
    CACHE_TOO_OLD = "cache_too_old"  # data: max_hours
    DAILY_CAP = "offline_daily_cap"  # data: cap_cents


@dataclass(frozen=True, slots=True)
class PolicyRefusal:
    code: OfflineRefusal
    data: dict[str, int | float | str] = field(default_factory=dict)


def offline_refusal(policy: OfflinePolicy, *, amount_cents: int, today_offline_cents: int,
                    cache_age_s: float | None, auth_blocked: str | None) -> PolicyRefusal | None:
    """Why offline acceptance is not allowed now, or None when it is."""
    if auth_blocked:
        return PolicyRefusal(OfflineRefusal.AUTH_BLOCKED, {"error": auth_blocked})
    if not policy.offline_allowed:
        return PolicyRefusal(OfflineRefusal.NOT_ALLOWED)
    if cache_age_s is None:
        return PolicyRefusal(OfflineRefusal.NEVER_SYNCED)
    if cache_age_s > policy.max_cache_age_seconds:
        return PolicyRefusal(OfflineRefusal.CACHE_TOO_OLD, {"max_hours": policy.max_cache_age_seconds / 3600})
    cap = policy.max_offline_total_cents_per_day
    if cap is not None and today_offline_cents + amount_cents > cap:
        return PolicyRefusal(OfflineRefusal.DAILY_CAP, {"cap_cents": cap})
    return None
