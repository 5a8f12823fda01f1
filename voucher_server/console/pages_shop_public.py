"""A shop's public details in the console (category, opening hours, listed or not): what holders see on the list
of where to spend a campaign's vouchers. Written by ``services.shops.set_details``, as the CLI's shop-details."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select

from voucher_core.timeutil import utc_now

from ..models import CampaignMerchant, Merchant
from ..models_books import PostalAddress
from ..services import shops as svc
from .models import AuditEvent
from .web import NotFound, Page, admin, viewer

router = APIRouter()


def _page(page: Page, mid: str, status: int = 200, values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None) -> Response:
    with page.db.reading() as s:
        m = s.get(Merchant, mid)
        if m is None:
            raise NotFound()
        pub = svc.details_of(s, mid)
        line = svc.shop_line(m, s.get(PostalAddress, mid), pub)
        campaigns = list(s.scalars(select(CampaignMerchant.campaign_id).where(CampaignMerchant.merchant_id == mid)
                                   .order_by(CampaignMerchant.campaign_id)))
        stored = {"category": pub.category if pub else "", "opening_hours": pub.opening_hours if pub else "",
                  "listed": "1" if pub is None or pub.listed else ""}
    return page.render("shop_public.html", status=status, m=m, line=line, campaigns=campaigns,
                       values=values if values is not None else stored, errors=errors or {},
                       notice=page.request.query_params.get("notice", ""))


@router.get("/merchants/{mid}/public")
def shop_public(page: Annotated[Page, Depends(viewer)], mid: str) -> Response:
    return _page(page, mid)


@router.post("/merchants/{mid}/public")
def shop_public_edit(page: Annotated[Page, Depends(admin)], mid: str) -> Response:
    assert page.me is not None
    values = {"category": page.field("category"), "opening_hours": page.field("opening_hours"),
              "listed": "1" if page.checked("listed") else ""}
    try:
        with page.db.writing() as s:
            before = svc.details_of(s, mid)
            old: dict[str, Any] | None = None if before is None else {
                "category": before.category, "opening_hours": before.opening_hours, "listed": before.listed}
            row = svc.set_details(s, mid, values["category"], values["opening_hours"], bool(values["listed"]),
                                  page.me.email, utc_now())
            s.add(AuditEvent(at=utc_now(), operator_id=page.me.operator_id, operator_email=page.me.email,
                             action="shop_public_edit", target=f"merchant:{mid}"[:100],
                             before=json.dumps(old, ensure_ascii=False) if old else "",
                             after=json.dumps({"category": row.category, "opening_hours": row.opening_hours,
                                               "listed": row.listed}, ensure_ascii=False)))
    except svc.DetailsError as exc:
        if exc.field == "merchant_id":
            raise NotFound() from exc
        return _page(page, mid, 422, values, {exc.field: page.t("err_too_long")})
    return page.redirect(f"/merchants/{mid}/public", page.t("shop_public_saved"))
