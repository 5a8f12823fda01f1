"""/changes: the feed that keeps the tills' offline caches current."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ..deps import Auth, Ctx
from ..http_errors import SafeRoute
from ..services.changes import changes_page

router = APIRouter(route_class=SafeRoute)


@router.get("/changes")
def changes(ctx: Ctx, who: Auth, cursor: str | None = Query(default=None, max_length=32),
            limit: int = Query(default=1000, ge=1, le=5000)) -> Response:
    return Response(changes_page(ctx, who, cursor, limit), media_type="application/json")
