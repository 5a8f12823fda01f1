"""/redemptions/{id}/void and /sales/{id}/void."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from ..deps import Auth, Ctx
from ..http_errors import SafeRoute
from ..schemas import VoidBody
from ..services import void
from .vouchers import respond

router = APIRouter(route_class=SafeRoute)

ActivityId = Annotated[int, Path(ge=1, le=2**62)]


@router.post("/redemptions/{rid}/void")
def void_redemption(ctx: Ctx, who: Auth, rid: ActivityId, body: VoidBody) -> Response:
    return respond(void.void_redemption(ctx, who, rid, body))


@router.post("/sales/{sid}/void")
def void_sale(ctx: Ctx, who: Auth, sid: ActivityId, body: VoidBody) -> Response:
    return respond(void.void_sale(ctx, who, sid, body))
