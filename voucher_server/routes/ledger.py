"""/ledger (a shop's day as the server booked it) and /terminals/me/ledger-head (the till's chain head)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query

from ..deps import Auth, Ctx
from ..errors import ApiError, SafeRoute
from ..schemas import LedgerHeadBody
from ..services import ledger

router = APIRouter(route_class=SafeRoute)


@router.get("/ledger")
def day_ledger(ctx: Ctx, who: Auth, day: str = Query(alias="date", pattern=r"^\d{4}-\d{2}-\d{2}$")) -> dict[str, Any]:
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        the_day = None
    # Beyond these years a Paris day's bounds overflow datetime; no scheme books anything there.
    if the_day is None or not ledger.FIRST_YEAR <= the_day.year <= ledger.LAST_YEAR:
        raise ApiError(422, "invalid_request", "date invalide.", fields=["date"])
    return ledger.day_ledger(ctx, who, the_day)


@router.get("/terminals/me/ledger-head")
def get_head(ctx: Ctx, who: Auth) -> dict[str, Any]:
    return ledger.get_head(ctx, who)


@router.post("/terminals/me/ledger-head")
def post_head(ctx: Ctx, who: Auth, body: LedgerHeadBody) -> dict[str, Any]:
    return ledger.post_head(ctx, who, body)
