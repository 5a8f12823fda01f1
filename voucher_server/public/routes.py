"""The voucher's page: /v/<code> (and /V/<code>, as an upper-case QR spells it); where to spend a campaign's
vouchers: /p/<campaign>/shops?q=&town= (searched on the server: works without JavaScript)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from voucher_core.codes import MAX_SCAN_LENGTH
from voucher_core.timeutil import utc_now

from ..services.holder import holder_view
from ..services.shops import ShopList, campaign_shops
from . import words
from .web import lang_of, limited, render, state_of

router = APIRouter()


async def voucher_page_answer(request: Request, code: str) -> HTMLResponse:
    """The page of /v/<code>, answered by the hot lane (``hot_lane.py``) and, behind a root path, the routes."""
    refused = limited(request)
    if refused is not None:
        return refused
    ctx = state_of(request).ctx
    view = None
    if len(code) <= MAX_SCAN_LENGTH:
        data = await ctx.campaigns.current()
        async with state_of(request).slots():
            view = await holder_view(ctx.store, data, code, utc_now())
    if view is None:
        # One answer for a wrong check digit, a forged signature, an unknown or an old serial.
        lang = lang_of(request)
        return render(request, "message.html", status=404, title=words.t(lang, "unknown_title"),
                      text=words.t(lang, "unknown_text"))
    return render(request, "voucher.html", v=view)


@router.get("/v/{code}", response_class=HTMLResponse, include_in_schema=False)
async def voucher_page(request: Request, code: str) -> HTMLResponse:
    return await voucher_page_answer(request, code)


@router.get("/V/{code}", response_class=HTMLResponse, include_in_schema=False)
async def voucher_page_upper(request: Request, code: str) -> HTMLResponse:
    return await voucher_page_answer(request, code)


@router.get("/p/{campaign_id}/shops", response_class=HTMLResponse, include_in_schema=False)
async def shops_page(request: Request, campaign_id: str, q: str = "", town: str = "") -> HTMLResponse:
    db = state_of(request).ctx.db
    query, town = q.strip()[:80], town.strip()[:80]

    def read() -> ShopList | None:
        with db.reading() as s:
            return campaign_shops(s, campaign_id[:16], query, town)

    shops = await state_of(request).reading(read)
    if shops is None:
        lang = lang_of(request)
        return render(request, "message.html", status=404, title=words.t(lang, "campaign_unknown_title"),
                      text=words.t(lang, "campaign_unknown_text"))
    return render(request, "shops.html", shops=shops, query=query, town=town)
