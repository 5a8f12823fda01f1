"""Vouchers: look one up with its whole history, block or unblock it, print a campaign's sheets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select

from voucher_core.campaigns import VoucherState
from voucher_core.codes import CodeError, serial_of
from voucher_core.timeutil import business_day, utc_now

from .. import admin as server_admin
from ..models import SERIAL_LEN, Activity, Campaign, Merchant, Terminal, Voucher
from ..printing import SHEET_OPTIONS, voucher_sheets
from ..services.periods import core_campaign
from . import audit
from .audit import AuditAction, record
from .validation import FieldError, clean_count
from .web import HEADERS, NotFound, Page, admin, viewer

router = APIRouter()
MAX_SHEET_VOUCHERS = 2000  # one download; bigger runs go through `voucher-server print-vouchers`


@router.get("/vouchers")
def vouchers(page: Annotated[Page, Depends(viewer)]) -> Response:
    q = page.request.query_params.get("q", "").strip()
    error = ""
    if q:
        try:
            return page.redirect(f"/vouchers/{serial_of(q)}")
        except CodeError:
            error = page.t("err_unknown_voucher")
    with page.db.reading() as s:
        camps = s.scalars(select(Campaign).order_by(Campaign.valid_until.desc())).all()
    return page.render("vouchers.html", q=q, error=error, campaigns=camps, states=list(VoucherState))


@router.get("/vouchers/{serial}")
def voucher_detail(page: Annotated[Page, Depends(viewer)], serial: str) -> Response:
    with page.db.reading() as s:
        v = s.get(Voucher, serial[:SERIAL_LEN])
        if v is None:
            raise NotFound()
        camp = s.get(Campaign, v.campaign_id)
        history = s.execute(select(Activity, Merchant.name, Terminal.name)
                            .outerjoin(Merchant, Merchant.id == Activity.merchant_id)
                            .outerjoin(Terminal, Terminal.id == Activity.terminal_id)
                            .where(Activity.serial == v.serial).order_by(Activity.id)).all()
        events = audit.recent(s, 50, f"voucher:{v.serial}")
        assert camp is not None
        core = core_campaign(camp)  # loads the deferred top-up end inside the session
        paid = v.paid_cents  # deferred too: loaded here
    today = business_day(utc_now())
    expired = v.state == VoucherState.ACTIVE.value and today > camp.valid_until
    return page.render("voucher.html", v=v, camp=camp, history=history, expired=expired, events=events,
                       value_today=core.value_on(today, paid), topup_ended=core.topup_ended_on(today),
                       notice=page.request.query_params.get("notice", ""))


@router.post("/vouchers/{serial}/block")
def voucher_block(page: Annotated[Page, Depends(admin)], serial: str) -> Response:
    assert page.me is not None
    blocked = page.field("blocked") == "1"
    try:
        with page.db.writing() as s:
            v = s.get(Voucher, serial[:SERIAL_LEN])
            if v is None:
                raise NotFound()
            before = v.state
            after = server_admin.set_blocked(s, v.serial, blocked=blocked)
            record(s, page.me.operator_id, page.me.email,
                   AuditAction.VOUCHER_BLOCK if blocked else AuditAction.VOUCHER_UNBLOCK, f"voucher:{v.serial}",
                   {"state": before}, {"state": after})
    except ValueError:
        return page.redirect(f"/vouchers/{serial[:SERIAL_LEN]}", page.t("err_transition"))
    return page.redirect(f"/vouchers/{serial[:SERIAL_LEN]}", page.t("saved"))


@router.get("/campaigns/{cid}/sheets.pdf")
def sheets(page: Annotated[Page, Depends(viewer)], cid: str) -> Response:
    """The campaign's printable sheets (the same PDF as `voucher-server print-vouchers`)."""
    state = page.request.query_params.get("state", "")
    try:
        limit = clean_count("limit", page.request.query_params.get("limit", "") or "100", MAX_SHEET_VOUCHERS)
    except FieldError:
        limit = 100
    with page.db.reading() as s:
        camp = s.get(Campaign, cid)
        if camp is None:
            raise NotFound()
        query = select(Voucher).options(SHEET_OPTIONS).where(Voucher.campaign_id == cid).order_by(Voucher.serial) \
            .limit(limit)
        if state in {st.value for st in VoucherState}:
            query = query.where(Voucher.state == state)
        data = voucher_sheets(camp, s.scalars(query).all())  # in the session: deferred columns load
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="bons-{cid}.pdf"'}
    return Response(data, media_type="application/pdf", headers=headers)
