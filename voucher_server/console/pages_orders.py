"""Bulk orders (companies and towns buying vouchers from the operator), funders and their invoices, and the
liability. Figures from the money services, the same functions as the CLIs, PDFs and CSVs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from sqlalchemy import select

from voucher_core.timeutil import business_day, utc_now

from ..models import Campaign, Voucher
from ..models_money import CampaignFunder
from ..printing import SHEET_OPTIONS, voucher_sheets
from ..services import funders as funder_service
from ..services.documents import funder_invoice_document, liability_document, order_invoice_document
from ..services.liability import breakage, liability
from ..services.orders import get_order, list_orders, mark_order_paid, place_order
from .audit import AuditAction, record
from .pages_settle import document, period_of
from .validation import FieldError, FormErrors, clean_cents, clean_count, clean_date, clean_text, collect
from .web import HEADERS, NotFound, Page, admin, errors_of, viewer

router = APIRouter()
MAX_ORDER = 20_000
OrderId = Annotated[int, Path(ge=1, le=2**31)]


def _orders_page(page: Page, status: int = 200, values: dict[str, str] | None = None,
                 errors: dict[str, str] | None = None) -> Response:
    with page.db.reading() as s:
        orders = list_orders(s)
        camps = s.scalars(select(Campaign).order_by(Campaign.valid_until.desc())).all()
    return page.render("orders.html", status=status, orders=orders, campaigns=camps, values=values or {},
                       errors=errors or {}, notice=page.request.query_params.get("notice", ""))


@router.get("/orders")
def orders(page: Annotated[Page, Depends(viewer)]) -> Response:
    return _orders_page(page)


@router.post("/orders")
def order_place(page: Annotated[Page, Depends(admin)]) -> Response:
    assert page.me is not None
    f = page.field
    try:
        buyer, count = collect(lambda: clean_text("buyer", f("buyer"), 200),
                               lambda: clean_count("count", f("count"), MAX_ORDER))
        price = clean_cents("price_cents", f("price_cents")) if f("price_cents").strip() else None
        secret = page.state.settings.secret
        if not secret:
            raise FieldError("count", "err_no_secret")
        with page.db.writing() as s:
            try:
                order = place_order(s, buyer, f("campaign_id"), count, page.me.email, utc_now(), secret, price)
            except ValueError as exc:
                raise FieldError("campaign_id", "refused", reason=str(exc)) from None
            record(s, page.me.operator_id, page.me.email, AuditAction.ORDER_PLACE, f"order:{order.id}", None,
                   {"buyer": buyer, "campaign": order.campaign_id, "count": count, "total_cents": order.total_cents})
    except (FieldError, FormErrors) as exc:
        return _orders_page(page, 422, page.values(), errors_of(exc, page.t))
    return page.redirect(f"/orders/{order.id}", page.t("order_placed", count=order.count))


@router.get("/orders/{oid}")
def order_detail(page: Annotated[Page, Depends(viewer)], oid: OrderId) -> Response:
    with page.db.reading() as s:
        try:
            order = get_order(s, oid)
        except ValueError:
            raise NotFound() from None
    return page.render("order.html", order=order, notice=page.request.query_params.get("notice", ""))


@router.get("/orders/{oid}/invoice.{kind}")
def order_invoice(page: Annotated[Page, Depends(viewer)], oid: OrderId, kind: str) -> Response:
    with page.db.reading() as s:
        order = get_order(s, oid)
    return document(order_invoice_document(order), kind, f"facture-commande-{oid}")


@router.get("/orders/{oid}/sheets.pdf")
def order_sheets(page: Annotated[Page, Depends(viewer)], oid: OrderId) -> Response:
    with page.db.reading() as s:
        order = get_order(s, oid)
        camp = s.get(Campaign, order.campaign_id)
        vouchers = s.scalars(select(Voucher).options(SHEET_OPTIONS).where(Voucher.serial.in_(order.vouchers))
                             .order_by(Voucher.serial)).all()
        assert camp is not None
        data = voucher_sheets(camp, vouchers)  # inside the session: the campaign's deferred columns load here
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="bons-commande-{oid}.pdf"'}
    return Response(data, media_type="application/pdf", headers=headers)


@router.post("/orders/{oid}/paid")
def order_paid(page: Annotated[Page, Depends(admin)], oid: OrderId) -> Response:
    assert page.me is not None
    try:
        with page.db.writing() as s:
            order = mark_order_paid(s, oid, page.me.email, utc_now(), page.field("reference")[:100])
            record(s, page.me.operator_id, page.me.email, AuditAction.ORDER_PAID, f"order:{oid}", {"paid": None},
                   {"paid_by": page.me.email, "reference": order.payment_reference})
    except ValueError as exc:
        return page.redirect(f"/orders/{oid}", page.t("refused", reason=str(exc)))
    return page.redirect(f"/orders/{oid}", page.t("saved"))


@router.get("/funders")
def funders(page: Annotated[Page, Depends(viewer)]) -> Response:
    period, raw, errors = period_of(page)
    with page.db.reading() as s:
        rows = funder_service.list_funders(s)
        invoices = [] if errors else [funder_service.funder_invoice(s, f.id, period) for f in rows]
        links = s.execute(select(CampaignFunder.campaign_id, CampaignFunder.funder_id, CampaignFunder.share_bp)).all()
        camps = s.scalars(select(Campaign).order_by(Campaign.id)).all()
    return page.render("funders.html", invoices=invoices, period=period, values=raw, errors=errors,
                       links=links, campaigns=camps, funders=rows,
                       pq=f"from={period.start}&to={period.end}", notice=page.request.query_params.get("notice", ""))


@router.get("/funders/{fid}/invoice.{kind}")
def funder_invoice_file(page: Annotated[Page, Depends(viewer)], fid: str, kind: str) -> Response:
    period, _raw, _errors = period_of(page)
    with page.db.reading() as s:
        inv = funder_service.funder_invoice(s, fid, period)
    return document(funder_invoice_document(inv), kind, f"facture-abondement-{fid}-{period.start}-{period.end}")


@router.post("/funders")
def funder_add(page: Annotated[Page, Depends(admin)]) -> Response:
    assert page.me is not None
    try:
        name, address = collect(lambda: clean_text("name", page.field("name"), 200),
                                lambda: clean_text("address", page.field("address"), 400, required=False))
        with page.db.writing() as s:
            f = funder_service.add_funder(s, name, address)
            record(s, page.me.operator_id, page.me.email, AuditAction.FUNDER_ADD, f"funder:{f.id}", None,
                   {"name": name, "address": address})
    except (FieldError, FormErrors) as exc:
        return page.redirect("/funders", "; ".join(errors_of(exc, page.t).values()))
    return page.redirect("/funders", page.t("saved"))


@router.post("/funders/link")
def funder_link(page: Annotated[Page, Depends(admin)]) -> Response:
    assert page.me is not None
    try:
        share = clean_count("share_percent", page.field("share_percent"), 100)
        with page.db.writing() as s:
            funder_service.link_funder(s, page.field("campaign_id"), page.field("funder_id"), share * 100)
            record(s, page.me.operator_id, page.me.email, AuditAction.FUNDER_LINK,
                   f"campaign:{page.field('campaign_id')}", None,
                   {"funder": page.field("funder_id"), "share_bp": share * 100})
    except FieldError as exc:
        return page.redirect("/funders", "; ".join(errors_of(exc, page.t).values()))
    except ValueError as exc:
        return page.redirect("/funders", page.t("refused", reason=str(exc)))
    return page.redirect("/funders", page.t("saved"))


@router.get("/liability")
def liability_page(page: Annotated[Page, Depends(viewer)]) -> Response:
    raw = page.request.query_params.get("at") or business_day(utc_now()).isoformat()
    errors: dict[str, str] = {}
    try:
        at = clean_date("at", raw)
    except FieldError as exc:
        errors, at = errors_of(exc, page.t), business_day(utc_now())
    with page.db.reading() as s:
        li = liability(s, at)
        ended = [breakage(s, c.id, at) for c in s.scalars(select(Campaign).where(Campaign.valid_until < at)
                                                          .order_by(Campaign.valid_until.desc())).all()]
    if page.request.query_params.get("format") in ("pdf", "csv"):
        return document(liability_document(li), page.request.query_params["format"], f"encours-{at}")
    return page.render("liability.html", li=li, ended=ended, at=at, values={"at": raw}, errors=errors)
