"""/ledger: a shop's day as the server booked it."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query

from ..deps import Auth, Ctx
from ..errors import ApiError
from ..http_errors import SafeRoute
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
