"""Home (campaigns at a glance), each campaign's dashboard with its charts and CSV, and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select

from voucher_core.timeutil import business_day, utc_now

from ..models import Campaign
from ..services.ledger_heads import alarm_count
from . import audit, charts
from .figures import CampaignFigures, campaign_figures, figures_csv
from .i18n import money
from .web import HEADERS, NotFound, Page, viewer

router = APIRouter()


def home(page: Page) -> Response:
    today = business_day(utc_now())
    with page.db.reading() as s:
        camps = s.scalars(select(Campaign).order_by(Campaign.valid_until.desc(), Campaign.id)).all()
        figures = {c.id: campaign_figures(s, c, today) for c in camps}
        alarms = alarm_count(s)
    return page.render("home.html", campaigns=camps, figures=figures, alarms=alarms)


def _figures(page: Page, cid: str) -> tuple[Campaign, CampaignFigures]:
    with page.db.reading() as s:
        camp = s.get(Campaign, cid)
        if camp is None:
            raise NotFound()
        return camp, campaign_figures(s, camp, business_day(utc_now()))


@router.get("/campaigns/{cid}/dashboard")
def dashboard(page: Annotated[Page, Depends(viewer)], cid: str) -> Response:
    camp, fig = _figures(page, cid)
    t = page.t
    days = [d.strftime("%d/%m") for d in fig.per_day]
    day_chart = charts.day_bars(days, [
        (t("sold"), charts.SOLD_COLOUR, [d.sold_count for d in fig.per_day.values()]),
        (t("redeemed"), charts.REDEEMED_COLOUR, [d.redeemed_count for d in fig.per_day.values()])],
        f"{t('per_day')} ({t('vouchers_n')})")
    shops = [(name, d.redeemed_cents) for name, d in fig.per_shop.items() if d.redeemed_count]
    shop_chart = charts.shop_bars(shops, lambda c: money(c, page.lang), t("per_shop"))
    return page.render("dashboard.html", camp=camp, fig=fig, day_chart=day_chart, shop_chart=shop_chart)


@router.get("/campaigns/{cid}/dashboard.csv")
def dashboard_csv(page: Annotated[Page, Depends(viewer)], cid: str) -> Response:
    camp, fig = _figures(page, cid)
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="tableau-{camp.id}-{fig.today}.csv"'}
    return Response(figures_csv(fig).encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/audit")
def audit_trail(page: Annotated[Page, Depends(viewer)]) -> Response:
    target = page.request.query_params.get("target") or None
    with page.db.reading() as s:
        events = audit.recent(s, 300, target)
    return page.render("audit.html", events=events, target=target or "")
