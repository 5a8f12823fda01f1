"""/vouchers/{code}: look up, redeem, activate (sell)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ..deps import Ctx, HotAuth, UploadAuth
from ..http_errors import SafeRoute
from ..schemas import ActivateBody, RedeemBody
from ..services import redemption, sale
from ..services.common import Answer, parsed
from ..services.context import Caller, Context

router = APIRouter(route_class=SafeRoute)


def respond(answer: Answer) -> Response:
    return Response(answer.text, status_code=answer.status, media_type="application/json")


# Every till checks and redeems every voucher: these two are declared first so they are matched first.

async def look_up(ctx: Context, who: Caller, code: str) -> dict[str, Any]:
    """GET /vouchers/{code} once its caller is known (this route and the hot lane, ``hot_lane.py``)."""
    serial, signed = parsed(code)
    return await redemption.voucher_view(ctx, who, serial, signed)


async def redeem_answer(ctx: Context, who: Caller, code: str, body: RedeemBody) -> Response:
    """POST /vouchers/{code}/redeem once its caller and body are known (this route and the hot lane)."""
    serial, signed = parsed(code)
    return respond(await redemption.redeem(ctx, who, serial, signed, body))


@router.get("/vouchers/{code}")
async def get_voucher(ctx: Ctx, who: HotAuth, code: str) -> dict[str, Any]:
    return await look_up(ctx, who, code)


@router.post("/vouchers/{code}/redeem")
async def redeem(ctx: Ctx, who: HotAuth, code: str, body: RedeemBody) -> Response:
    return await redeem_answer(ctx, who, code, body)


@router.post("/vouchers/{code}/activate")
def activate(ctx: Ctx, who: UploadAuth, code: str, body: ActivateBody) -> Response:
    serial, signed = parsed(code)
    return respond(sale.activate(ctx, who, serial, signed, body))
