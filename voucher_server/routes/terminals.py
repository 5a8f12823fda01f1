"""/health, /me (who is calling, with its offline policy) and the till's ledger chain (/terminals/me/ledger-*)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from voucher_core.timeutil import to_utc_text, utc_now

from ..deps import Auth, Ctx
from ..http_errors import SafeRoute
from ..schemas import LedgerHeadBody
from ..services import ledger_heads

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


@router.get("/terminals/me/ledger-head")
def get_head(ctx: Ctx, who: Auth) -> dict[str, Any]:
    return ledger_heads.get_head(ctx, who)


@router.post("/terminals/me/ledger-head")
def post_head(ctx: Ctx, who: Auth, body: LedgerHeadBody) -> dict[str, Any]:
    return ledger_heads.post_head(ctx, who, body)


@router.get("/terminals/me/ledger-chain")
def get_chain(ctx: Ctx, who: Auth, after: int = Query(default=0, ge=0, le=2**62),
              limit: int = Query(default=ledger_heads.CHAIN_PAGE, ge=1, le=ledger_heads.CHAIN_PAGE)) -> dict[str, Any]:
    return ledger_heads.chain_page(ctx, who, after, limit)
