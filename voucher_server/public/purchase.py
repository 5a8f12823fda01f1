"""Buying vouchers online: /p/achat/<campaign> (the form), the provider's checkout (or our TEST stand-in at
/p/test-paiement/<session>), the signed webhook at /p/paiements/webhook, and /p/commande/<token>, the buyer's
order page that the e-mail links to (and its PDF)."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import anyio.to_thread
import httpx
from fastapi import APIRouter, BackgroundTasks, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from voucher_core.codes import PAGE_PATH, format_serial, page_url
from voucher_core.timeutil import utc_now

from ..db import Database
from ..models_online import OnlineOrder, OrderState
from ..payments.base import BadSignature, Mode, PaySettings, Provider
from ..payments.mail import SmtpSettings, VoucherMail, send
from ..payments.stripe_checkout import ProviderDown, StripeCheckout
from ..payments.test_provider import TestProvider, session_event, sign
from ..printing import qr_matrix, voucher_sheets
from ..services import online_sales as sales
from ..services.context import Context
from . import purchase_words as pw
from .web import HEADERS, lang_of, limited, render, state_of

log = logging.getLogger("voucher_server.purchase")
router = APIRouter()
WEBHOOK_PATH = "/p/paiements/webhook"


@dataclass(frozen=True, slots=True)
class PurchaseState:
    settings: PaySettings
    provider: Provider | None


def build_provider(settings: PaySettings) -> Provider | None:
    if settings.mode is Mode.STRIPE:
        return StripeCheckout(settings)
    if settings.mode is Mode.TEST:
        log.warning("online payments in TEST mode: no money moves; every page and e-mail says TEST")
        return TestProvider()
    return None


def mount_purchase(app: FastAPI, ctx: Context) -> None:
    """Serve the purchase pages (public.mount calls it). The mode comes from VOUCHER_SERVER_PAYMENTS: TEST is
    never chosen unless asked for (serve without it and without Stripe keys sells nothing online)."""
    settings = PaySettings.from_env()
    app.state.purchase = PurchaseState(settings, build_provider(settings))
    app.include_router(router)


def _state(request: Request) -> PurchaseState:
    st: PurchaseState = request.app.state.purchase
    return st


def _base(request: Request) -> str:
    public = getattr(state_of(request).ctx.settings, "public_url", None)
    return str(public or request.base_url).rstrip("/")


def _page(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
          **facts: Any) -> HTMLResponse:
    lang = lang_of(request)
    st = _state(request)
    test = st.settings.mode is Mode.TEST or bool(facts.pop("order_test", False))
    return render(request, template, status=status, test_mode=test, headers=headers,
                  w=lambda key, **kw: pw.t(lang, key, **kw), **facts)


def _message(request: Request, title_key: str, text: str, status: int) -> HTMLResponse:
    lang = lang_of(request)
    return _page(request, "purchase_message.html", status=status, title=pw.t(lang, title_key), text=text)


def _refusal_text(request: Request, exc: sales.OrderRefused) -> str:
    return pw.t(lang_of(request), f"err_{exc.reason.value}", **exc.facts)


# --- the purchase form ----------------------------------------------------------------------------------------

def _offer_page(request: Request, campaign_id: str, error: str = "", status: int = 200,
                email: str = "", quantity: int = 1) -> HTMLResponse:
    st = _state(request)
    if st.provider is None:
        return _message(request, "buy_title", pw.t(lang_of(request), "err_off"), 404)
    ctx = state_of(request).ctx
    try:
        with ctx.db.reading() as s:
            o = sales.offer(s, campaign_id, st.provider.mode, utc_now())
    except sales.OrderRefused as exc:
        return _message(request, "buy_title", _refusal_text(request, exc), 404)
    # The browser checks a form's redirect against the policy of the page holding the form: this page's.
    return _page(request, "purchase.html", status=status, headers=_checkout_csp(), o=o, error=error, email=email,
                 quantity=quantity)


@router.get("/p/achat/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
async def purchase_page(request: Request, campaign_id: str) -> HTMLResponse:
    return await anyio.to_thread.run_sync(_offer_page, request, campaign_id)


def _checkout_csp() -> dict[str, str]:
    # A form may end at the provider's hosted page (a redirect after the POST counts as the form's target).
    return {"Content-Security-Policy": HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", "form-action 'self' https://checkout.stripe.com")}


@router.post("/p/achat/{campaign_id}", include_in_schema=False)
async def purchase_start(request: Request, campaign_id: str, email: str = Form(""),
                         quantity: str = Form("1")) -> Response:
    refused = limited(request)
    if refused is not None:
        return refused
    st = _state(request)
    if st.provider is None:
        return _message(request, "buy_title", pw.t(lang_of(request), "err_off"), 404)
    try:
        n = int(quantity)
    except ValueError:
        n = 0
    ctx = state_of(request).ctx
    started: sales.Started | None = None
    try:
        started = await anyio.to_thread.run_sync(sales.start_order, ctx.db, st.provider, campaign_id, email, n,
                                                 _base(request), utc_now())
    except sales.OrderRefused as exc:
        text, status = _refusal_text(request, exc), 422
    except ProviderDown as exc:
        log.warning("checkout not opened: %s", exc)
        text, status = pw.t(lang_of(request), "err_provider"), 503
    else:
        text, status = "", 0
    if status:
        return await anyio.to_thread.run_sync(_offer_page, request, campaign_id, text, status, email, max(n, 1))
    assert started is not None
    url = started.checkout_url
    if st.provider.mode is Mode.TEST:
        url = f"{_base(request)}{url}" if url.startswith("/") else url
        if lang_of(request).value == "en":
            url += "?lang=en"
    return RedirectResponse(url, status_code=303)


# --- the TEST stand-in for the provider's hosted page ---------------------------------------------------------

def _pending_by_session(ctx: Context, session_id: str) -> OnlineOrder | None:
    with ctx.db.reading() as s:
        o = s.scalars(select(OnlineOrder).where(OnlineOrder.session_id == session_id)).first()
        if o is not None:
            s.expunge(o)
        return o


@router.get("/p/test-paiement/{session_id}", response_class=HTMLResponse, include_in_schema=False)
async def test_pay_page(request: Request, session_id: str) -> HTMLResponse:
    if _state(request).settings.mode is not Mode.TEST:
        return _message(request, "not_found_title", pw.t(lang_of(request), "not_found_text"), 404)
    o = await anyio.to_thread.run_sync(_pending_by_session, state_of(request).ctx, session_id)
    if o is None:
        return _message(request, "not_found_title", pw.t(lang_of(request), "not_found_text"), 404)
    return _page(request, "purchase_test_pay.html", order=o, session_id=session_id)


@router.post("/p/test-paiement/{session_id}", include_in_schema=False)
async def test_pay(request: Request, session_id: str, action: str = Form("pay")) -> Response:
    """The TEST provider's "pay": it sends the webhook Stripe would send, signed as Stripe signs, to the webhook
    URL over HTTP (the very path a real provider's call takes), then returns the buyer to the order page."""
    st = _state(request)
    if st.settings.mode is not Mode.TEST:
        return _message(request, "not_found_title", pw.t(lang_of(request), "not_found_text"), 404)
    o = await anyio.to_thread.run_sync(_pending_by_session, state_of(request).ctx, session_id)
    if o is None:
        return _message(request, "not_found_title", pw.t(lang_of(request), "not_found_text"), 404)
    q = "?lang=en" if lang_of(request).value == "en" else ""
    if action != "pay":  # the buyer gave up: no webhook at all, as when a card payment never completes
        return RedirectResponse(f"/p/achat/{o.campaign_id}{q}", status_code=303)
    body = session_event(session_id, o.token, o.amount_cents)
    async with httpx.AsyncClient(timeout=30) as client:
        r = await client.post(f"{str(request.base_url).rstrip('/')}{WEBHOOK_PATH}", content=body,
                              headers={"Stripe-Signature": sign(body, st.settings.webhook_secret),
                                       "Content-Type": "application/json"})
    log.info("TEST webhook for %s answered %s", session_id, r.status_code)
    return RedirectResponse(f"/p/commande/{o.token}{q}", status_code=303)


# --- the webhook ------------------------------------------------------------------------------------------------

def mail_order(db: Database, token: str, base: str) -> bool:
    """E-mail the order's vouchers (PDF, one QR each) and its link; True when the mail server took it. A failure
    is logged, not raised: the order page still has the vouchers and ``voucher-server mail-order`` sends again."""
    smtp = SmtpSettings.from_env()
    if smtp is None:
        log.warning("no VOUCHER_SERVER_SMTP_HOST: order %s... not mailed", token[:6])
        return False
    with db.reading() as s:
        view = sales.order_view(s, token)
        found = sales.order_vouchers(s, token)
        if view is None or found is None:
            return False
        camp, vouchers = found
        pdf = voucher_sheets(camp, vouchers)
    try:
        send(smtp, VoucherMail(view.email, view.campaign_name, view.quantity, view.face_value_cents,
                               view.amount_cents, f"{base.rstrip('/')}/p/commande/{token}", pdf, view.test_mode))
    except (OSError, smtplib.SMTPException) as exc:
        log.error("e-mail for order %s... not sent: %s", token[:6], exc)
        return False
    sales.mark_mailed(db, token, utc_now())
    return True


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
    st = _state(request)
    if st.provider is None:
        return JSONResponse({"error": {"code": "not_found", "message": "Pas de paiement en ligne."}}, 404)
    payload = await request.body()
    ctx = state_of(request).ctx
    secret = ctx.settings.secret or ""
    try:
        handled = await anyio.to_thread.run_sync(sales.accept_webhook, ctx.db, payload,
                                                 request.headers.get("stripe-signature"), st.settings.webhook_secret,
                                                 secret, utc_now())
    except BadSignature as exc:
        log.warning("webhook refused: %s", exc)
        return JSONResponse({"error": {"code": "bad_signature",
                                       "message": "Signature absente, fausse ou trop ancienne."}}, 400)
    if handled.order_token is not None:
        background.add_task(mail_order, ctx.db, handled.order_token, _base(request))
    return JSONResponse({"received": True, "outcome": handled.outcome.value})


# --- the buyer's order page -----------------------------------------------------------------------------------

def qr_svg(text: str) -> str:
    """An inline SVG of the QR (the page's CSP allows no script and only our own images)."""
    m = qr_matrix(text)
    n = len(m) + 8
    rects = "".join(f'<rect x="{c + 4}" y="{r + 4}" width="1" height="1"/>'
                    for r, row in enumerate(m) for c, on in enumerate(row) if on)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" class="qr" role="img" '
            f'shape-rendering="crispEdges"><rect width="{n}" height="{n}" fill="#fff"/>'
            f'<g fill="#000">{rects}</g></svg>')


def _order_page(request: Request, token: str) -> HTMLResponse:
    ctx = state_of(request).ctx
    with ctx.db.reading() as s:
        view = sales.order_view(s, token)
    if view is None:
        return _message(request, "not_found_title", pw.t(lang_of(request), "not_found_text"), 404)
    public = getattr(ctx.settings, "public_url", None)
    # The same QR as a printed voucher: its page's URL when the operator runs public pages (the till reads both).
    cards = [{"serial": format_serial(v.serial), "code": v.code, "state": v.state,
              "href": f"{PAGE_PATH}{quote(v.code, safe='')}",
              "qr": qr_svg(page_url(public, v.code) if public else v.code)}
             for v in view.vouchers] if view.state is OrderState.PAID else []
    refresh = {"Refresh": "3"} if view.state is OrderState.PENDING else None
    return _page(request, "order.html", headers=refresh, order=view, cards=cards, order_test=view.test_mode)


@router.get("/p/commande/{token}", response_class=HTMLResponse, include_in_schema=False)
async def order_page(request: Request, token: str) -> HTMLResponse:
    refused = limited(request)
    if refused is not None:
        return refused
    return await anyio.to_thread.run_sync(_order_page, request, token)


def _order_pdf(ctx: Context, token: str) -> bytes | None:
    with ctx.db.reading() as s:
        found = sales.order_vouchers(s, token)
        if found is None:
            return None
        return voucher_sheets(*found)


@router.get("/p/commande/{token}/bons.pdf", include_in_schema=False)
async def order_pdf(request: Request, token: str) -> Response:
    refused = limited(request)
    if refused is not None:
        return refused
    pdf = await anyio.to_thread.run_sync(_order_pdf, state_of(request).ctx, token)
    if pdf is None:
        return _message(request, "not_found_title", pw.t(lang_of(request), "not_found_text"), 404)
    return Response(pdf, media_type="application/pdf",
                    headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                             "Content-Disposition": 'inline; filename="bons.pdf"'})
