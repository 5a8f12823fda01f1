"""/health and /me: who is calling, with its offline policy."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pos_app.core.timeutil import to_utc_text, utc_now

from ..deps import Auth, Ctx
from ..errors import SafeRoute

router = APIRouter(route_class=SafeRoute)


@router.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "time": to_utc_text(utc_now())}


@router.get("/me")
def me(ctx: Ctx, who: Auth) -> dict[str, Any]:
    return {"terminal": {"id": who.terminal_id, "name": who.terminal_name},
            "merchant": {"id": who.merchant_id, "name": who.merchant_name, "siret": who.siret,
                         "address": who.address},
            "roles": who.roles, "campaigns": ctx.campaigns_of(who),
            "offline_policy": {"offline_allowed": who.offline_allowed,
                               "max_offline_total_cents_per_day": who.max_offline_total_cents_per_day,
                               "max_cache_age_seconds": who.max_cache_age_seconds},
            "void_window_seconds": int(ctx.void_window.total_seconds()), "server_time": to_utc_text(utc_now())}
