"""/statement (what the operator owes the caller's shop for a period) and /terminals/me/closings (a day the till
closed, so the server never books a later operation of that till on it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query

from ..deps import Auth, Ctx
from ..errors import ApiError
from ..schemas import DAY_PATTERN, ClosingBody
from ..services import business_days
from ..services.statement import shop_statement

router = APIRouter()
MAX_STATEMENT_DAYS = 400


@router.get("/statement")
def statement(ctx: Ctx, who: Auth, start: str = Query(alias="from", pattern=DAY_PATTERN),
              end: str = Query(alias="to", pattern=DAY_PATTERN)) -> dict[str, Any]:
    """The caller's own shop only: its merchant id comes from its token, never from the request."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise ApiError(422, "invalid_request", "from / to : dates invalides.", fields=["from", "to"]) from None
    if last < first or (last - first).days > MAX_STATEMENT_DAYS:
        raise ApiError(422, "invalid_request", "Période invalide (400 jours au plus).", fields=["from", "to"])
    with ctx.db.reading() as s:
        return shop_statement(s, who.merchant_id, first, last)


@router.post("/terminals/me/closings")
def closing(ctx: Ctx, who: Auth, body: ClosingBody) -> dict[str, Any]:
    return business_days.record_closing(ctx.db, who, body)
