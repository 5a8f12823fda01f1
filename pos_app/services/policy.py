"""Offline acceptance policy: the operator's limits from ``/me``, tightened (never loosened) by the owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.money import format_cents

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


def offline_refusal(policy: OfflinePolicy, *, amount_cents: int, today_offline_cents: int,
                    cache_age_s: float | None, auth_blocked: str | None, lang: str = "fr") -> str | None:
    """Why offline acceptance is not allowed now (words for the cashier), or None when it is."""
    en = lang == "en"
    if auth_blocked:
        return ("Access token refused by the central server: reconfigure the till" if en
                else "Jeton refusé par le serveur central : reconfigurez la caisse")
    if not policy.offline_allowed:
        return "Offline acceptance is not allowed" if en else "L'acceptation hors ligne n'est pas autorisée"
    if cache_age_s is None:
        return ("The offline list was never downloaded" if en
                else "La liste hors ligne n'a jamais été téléchargée")
    if cache_age_s > policy.max_cache_age_seconds:
        hours = policy.max_cache_age_seconds / 3600
        return (f"Offline list older than {hours:g} h" if en
                else f"Liste hors ligne trop ancienne (plus de {hours:g} h)")
    cap = policy.max_offline_total_cents_per_day
    if cap is not None and today_offline_cents + amount_cents > cap:
        return (f"Daily offline limit reached ({format_cents(cap, 'en')})" if en
                else f"Plafond hors ligne du jour atteint ({format_cents(cap)})")
    return None
