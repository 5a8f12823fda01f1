"""The online sale in the console: the payment provider's settlement for a period (collected, covered by its
payouts, fees, net to the bank, to come), its payouts (admin records one), the limits per campaign sold online,
and the online orders with their refund. Figures are ``services.online_sales``', as the CLI's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select

from voucher_core.timeutil import utc_now

from ..models import Campaign, CampaignSeller, Merchant
from ..models_online import OnlineLimit, OnlineOrder, ProviderPayout
from ..payments.base import PaySettings, SetupError
from ..payments.stripe_checkout import ProviderDown
from ..services import online_sales as sales
from ..services import online_settlement as settle
from .audit import AuditAction, record
from .pages_settle import period_of
from .validation import FieldError, clean_date
from .web import Page, admin, errors_of, viewer

router = APIRouter()
PROVIDERS = tuple(sales.PROVIDER_IDS.values())


def _audit(page: Page, s: Any, action: AuditAction, target: str, after: dict[str, Any]) -> None:
    """The same audit trail as every console change."""
    assert page.me is not None
    record(s, page.me.operator_id, page.me.email, action, target, None, after)


def _online_page(page: Page, status: int = 200, errors: dict[str, str] | None = None,
                 values: dict[str, str] | None = None) -> Response:
    period, raw, perrors = period_of(page)
    with page.db.reading() as s:
        settlements = []
        for pid in PROVIDERS:
            if s.scalar(select(CampaignSeller.merchant_id).where(CampaignSeller.merchant_id == pid).limit(1)):
                settlements.append(settle.provider_settlement(s, pid, period))
        payouts = s.scalars(select(ProviderPayout).where(ProviderPayout.day >= period.start,
                                                         ProviderPayout.day <= period.end)
                            .order_by(ProviderPayout.day, ProviderPayout.id)).all()
        camp_ids = sorted(set(s.scalars(select(CampaignSeller.campaign_id)
                                        .where(CampaignSeller.merchant_id.in_(PROVIDERS)))))
        limits = {c: s.get(OnlineLimit, c) for c in camp_ids}
        names = {c.id: c.name for c in s.scalars(select(Campaign).where(Campaign.id.in_(camp_ids)))}
        orders = s.scalars(select(OnlineOrder).order_by(OnlineOrder.id.desc()).limit(200)).all()
        present = [pid for pid in PROVIDERS if s.get(Merchant, pid) is not None]
    return page.render("online.html", status=status, period=period, values={**raw, **(values or {})},
                       errors={**perrors, **(errors or {})}, settlements=settlements, payouts=payouts,
                       limits=limits, names=names, orders=orders, providers=present,
                       notice=page.request.query_params.get("notice", ""))


@router.get("/online")
def online(page: Annotated[Page, Depends(viewer)]) -> Response:
    return _online_page(page)


def _limit(page: Page, name: str) -> int | None:
    raw = page.field(name).strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise FieldError(name, "err_limit")
    return int(raw)


@router.post("/online/limits/{campaign_id}")
def online_limits(page: Annotated[Page, Depends(admin)], campaign_id: str) -> Response:
    try:
        per_buyer, per_day = _limit(page, "per_buyer"), _limit(page, "per_day")
    except FieldError as exc:
        return _online_page(page, 422, errors_of(exc, page.t))
    assert page.me is not None
    with page.db.writing() as s:
        sales.set_limits(s, campaign_id, per_buyer, per_day, page.me.email, utc_now())
        _audit(page, s, AuditAction.ONLINE_LIMITS, campaign_id, {"per_buyer": per_buyer, "per_day": per_day})
    return page.redirect("/online", page.t("limits_saved"))


@router.post("/online/payouts")
def online_payout(page: Annotated[Page, Depends(admin)]) -> Response:
    period, _raw, perrors = period_of(page, source="form")
    errors: dict[str, str] = dict(perrors)
    values = {k: page.field(k) for k in ("provider_id", "reference", "day", "gross_cents", "fee_cents")}
    day: date | None = None
    try:
        day = clean_date("day", values["day"])
    except FieldError as exc:
        errors.update(errors_of(exc, page.t))
    nums: dict[str, int] = {}
    for k in ("gross_cents", "fee_cents"):
        if values[k].strip().isdigit():
            nums[k] = int(values[k])
        else:
            errors[k] = page.t("err_limit")
    if errors or day is None:
        return _online_page(page, 422, errors, values)
    assert page.me is not None
    try:
        with page.db.writing() as s:
            row = settle.record_payout(s, values["provider_id"], values["reference"], day, period,
                                      nums["gross_cents"], nums["fee_cents"], page.me.email, utc_now())
            _audit(page, s, AuditAction.PROVIDER_PAYOUT, row.reference, {"gross_cents": row.gross_cents,
                                                                "fee_cents": row.fee_cents, "day": row.day})
    except ValueError as exc:
        return _online_page(page, 422, {"reference": page.t("refused", reason=str(exc))}, values)
    return page.redirect(f"/online?from={period.start}&to={period.end}", page.t("payout_saved"))


@router.post("/online/orders/{order_id}/refund")
def online_refund(page: Annotated[Page, Depends(admin)], order_id: int) -> Response:
    from ..public.purchase import build_provider

    try:
        provider = build_provider(PaySettings.from_env())
    except SetupError:
        provider = None
    if provider is None:
        return page.redirect("/online", page.t("no_provider"))
    with page.db.reading() as s:
        token = s.scalar(select(OnlineOrder.token).where(OnlineOrder.id == order_id))
    try:
        ref = sales.refund_order(page.db, provider, token or "", utc_now())
    except sales.OrderRefused as exc:
        return page.redirect("/online", page.t(f"refund_{exc.reason.value}"))
    except ProviderDown:
        return page.redirect("/online", page.t("refund_provider_down"))
    with page.db.writing() as s:
        _audit(page, s, AuditAction.ONLINE_REFUND, str(order_id), {"refund": ref})
    return page.redirect("/online", page.t("refund_done"))
