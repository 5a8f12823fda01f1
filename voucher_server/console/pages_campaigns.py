"""Campaign pages: list, create, edit while nothing is sold, extend, participants, issue a batch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select

from .. import admin as server_admin
from ..models import Campaign, Merchant
from . import campaign_ops
from .audit import AuditAction, record
from .campaign_ops import CampaignTerms, MemberKind
from .validation import (
    FieldError,
    FormErrors,
    clean_cents,
    clean_count,
    clean_date,
    clean_text,
    collect,
)
from .web import NotFound, Page, admin, errors_of, viewer

router = APIRouter()
MAX_BATCH = 50_000


def terms_from(page: Page) -> CampaignTerms:
    f = page.field
    name, face, price, start, end, topup_until = collect(
        lambda: clean_text("name", f("name"), 200),
        lambda: clean_cents("face_value_cents", f("face_value_cents"), minimum=100),
        lambda: clean_cents("sale_price_cents", f("sale_price_cents")),
        lambda: clean_date("valid_from", f("valid_from")),
        lambda: clean_date("valid_until", f("valid_until")),
        lambda: clean_date("topup_until", f("topup_until")) if f("topup_until").strip() else None)
    return CampaignTerms(name, face, price, start, end, topup_until)


@router.get("/campaigns")
def campaign_list(page: Annotated[Page, Depends(viewer)]) -> Response:
    with page.db.reading() as s:
        camps = s.scalars(select(Campaign).order_by(Campaign.valid_from.desc(), Campaign.id)).all()
        counts = {c.id: campaign_ops.issued_count(s, c.id) for c in camps}
    return page.render("campaigns.html", campaigns=camps, counts=counts)


@router.get("/campaigns/new")
def campaign_new(page: Annotated[Page, Depends(viewer)]) -> Response:
    return page.render("campaign_new.html", values={}, errors={})


@router.post("/campaigns/new")
def campaign_create(page: Annotated[Page, Depends(admin)]) -> Response:
    assert page.me is not None
    cid = page.field("campaign_id").strip()
    try:
        terms = terms_from(page)
        with page.db.writing() as s:
            campaign_ops.create(s, page.me, cid, terms, page.state.settings.secret)
    except (FieldError, FormErrors) as exc:
        return page.render("campaign_new.html", status=422, values=page.values(),
                           errors=errors_of(exc, page.t))
    return page.redirect(f"/campaigns/{cid}", page.t("campaign_created"))


def _detail(page: Page, cid: str, status: int = 200, **extra: Any) -> Response:
    with page.db.reading() as s:
        camp = s.get(Campaign, cid)
        if camp is None:
            raise NotFound()
        shops, sellers = campaign_ops.members(s, cid)
        everyone = s.scalars(select(Merchant).order_by(Merchant.name)).all()
        sold = campaign_ops.has_sales(s, cid)
        issued = campaign_ops.issued_count(s, cid)
        values = {"name": camp.name, "face_value_cents": str(camp.face_value_cents),
                  "sale_price_cents": str(camp.sale_price_cents), "valid_from": camp.valid_from.isoformat(),
                  "valid_until": camp.valid_until.isoformat(),
                  "topup_until": camp.topup_until.isoformat() if camp.topup_until else ""}  # deferred: load here
        funders = campaign_ops.funders_of(s, cid)
    member_ids = {m.id for m in shops}
    seller_ids = {m.id for m in sellers}
    ctx: dict[str, Any] = {
        "camp": camp, "shops": shops, "sellers": sellers, "sold": sold, "issued": issued,
        "addable_shops": [m for m in everyone if m.is_merchant and m.id not in member_ids],
        "addable_sellers": [m for m in everyone if m.is_seller and m.id not in seller_ids],
        "values": values, "funders": funders,
        "errors": {}, "notice": page.request.query_params.get("notice", "")}
    ctx.update(extra)
    return page.render("campaign.html", status=status, **ctx)


@router.get("/campaigns/{cid}")
def campaign_detail(page: Annotated[Page, Depends(viewer)], cid: str) -> Response:
    return _detail(page, cid)


def _change(page: Page, cid: str, change: Any, keep_values: bool = False) -> Response:
    """Run ``change(session, campaign)`` in one transaction; a refused field re-renders the page with its message."""
    try:
        with page.db.writing() as s:
            camp = s.get(Campaign, cid)
            if camp is None:
                raise NotFound()
            change(s, camp)
    except (FieldError, FormErrors) as exc:
        extra: dict[str, Any] = {"errors": errors_of(exc, page.t)}
        if keep_values:
            extra["values"] = page.values()
        else:
            extra["field_values"] = page.values()
        return _detail(page, cid, status=422, **extra)
    return page.redirect(f"/campaigns/{cid}", page.t("saved"))


@router.post("/campaigns/{cid}/edit")
def campaign_edit(page: Annotated[Page, Depends(admin)], cid: str) -> Response:
    assert page.me is not None
    me = page.me

    def change(s: Any, camp: Campaign) -> None:
        campaign_ops.edit(s, me, camp, terms_from(page))

    return _change(page, cid, change, keep_values=True)


@router.post("/campaigns/{cid}/extend")
def campaign_extend(page: Annotated[Page, Depends(admin)], cid: str) -> Response:
    assert page.me is not None
    me = page.me

    def change(s: Any, camp: Campaign) -> None:
        campaign_ops.extend(s, me, camp, clean_date("new_end", page.field("new_end")))

    return _change(page, cid, change)


@router.post("/campaigns/{cid}/members")
def campaign_members(page: Annotated[Page, Depends(admin)], cid: str) -> Response:
    assert page.me is not None
    me = page.me
    kind = MemberKind.SELLER if page.field("kind") == MemberKind.SELLER.value else MemberKind.SHOP
    present = page.field("op") != "remove"

    def change(s: Any, camp: Campaign) -> None:
        campaign_ops.set_member(s, me, camp, page.field("merchant_id"), kind, present)

    return _change(page, cid, change)


@router.post("/campaigns/{cid}/issue")
def campaign_issue(page: Annotated[Page, Depends(admin)], cid: str) -> Response:
    assert page.me is not None
    me, secret = page.me, page.state.settings.secret
    issued: list[str] = []

    def change(s: Any, camp: Campaign) -> None:
        count = clean_count("count", page.field("count"), MAX_BATCH)
        if not secret:
            raise FieldError("count", "err_no_secret")
        issued.extend(server_admin.issue(s, camp.id, count, secret=secret))
        record(s, me.operator_id, me.email, AuditAction.VOUCHERS_ISSUE, f"campaign:{camp.id}", None,
               {"count": count, "first": issued[0], "last": issued[-1]})

    response = _change(page, cid, change)
    if issued:
        return page.redirect(f"/campaigns/{cid}", page.t("issued_done", count=len(issued), first=issued[0],
                                                          last=issued[-1]))
    return response
