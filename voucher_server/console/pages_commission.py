"""Commission pages: each campaign's dated commission terms (admin sets them from a day on), and the commission
invoices of a period (issue them, download PDF or Factur-X, cancel one with a credit note). The figures are
``services.commission`` and ``services.commission_invoices``', the same functions as the CLI's."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select

from voucher_core.timeutil import business_day, utc_now

from .. import invoice_files
from ..models import Campaign
from ..models_commission import CommissionMode
from ..services.commission import CommissionError, commission_terms, set_commission, terms_history
from ..services.commission_invoices import (
    InvoiceError,
    due_commissions,
    get_invoice,
    issue_credit_note,
    issue_invoices,
    list_invoices,
)
from .audit import AuditAction, record
from .pages_settle import period_of
from .validation import FieldError, FormErrors, clean_date
from .web import HEADERS, Page, admin, errors_of, viewer

router = APIRouter()
_PERCENT = re.compile(r"^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%\s*$")
# Which field a refusal of the terms belongs to, so its words show next to it.
_FIELD_OF = {"commission_retroactive": "from_day", "commission_period_closed": "from_day",
             "commission_bad_rate": "rate_bp", "unknown_campaign": "campaign_id"}


def clean_bp(field: str, raw: str) -> int:
    """Basis points 0..10 000; "5 %" or "5,5" gets the number it meant in the message."""
    text = raw.strip()
    if (m := _PERCENT.match(text)) is not None:
        bp = int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0"))
        raise FieldError(field, "err_bp_percent", bp=bp, percent=text.rstrip("% ").strip())
    if not text.isdigit() or int(text) > 10_000:
        raise FieldError(field, "err_bp")
    return int(text)


def _form(page: Page) -> tuple[str, date, int, int, CommissionMode]:
    errors: list[FieldError] = []
    values: list[Any] = []
    for name, check in (("from_day", clean_date), ("rate_bp", clean_bp), ("vat_bp", clean_bp)):
        try:
            values.append(check(name, page.field(name)))
        except FieldError as exc:
            errors.append(exc)
    if errors:
        raise FormErrors(errors)
    mode = page.field("mode")
    return (page.field("campaign_id"), values[0], values[1], values[2],
            CommissionMode(mode) if mode in set(CommissionMode) else CommissionMode.DEDUCTED)


def _commission_page(page: Page, status: int = 200, values: dict[str, str] | None = None,
                     errors: dict[str, str] | None = None) -> Response:
    today = business_day(utc_now())
    with page.db.reading() as s:
        camps = s.scalars(select(Campaign).order_by(Campaign.valid_until.desc(), Campaign.id)).all()
        rows = [{"campaign": c, "now": commission_terms(s, c.id, today), "history": terms_history(s, c.id)}
                for c in camps]
    defaults = {"from_day": today.isoformat(), "vat_bp": "2000", "mode": CommissionMode.DEDUCTED.value}
    return page.render("commission.html", status=status, rows=rows, values=values or defaults,
                       errors=errors or {}, modes=list(CommissionMode),
                       notice=page.request.query_params.get("notice", ""))


@router.get("/commission")
def commission(page: Annotated[Page, Depends(viewer)]) -> Response:
    return _commission_page(page)


@router.post("/commission")
def commission_set(page: Annotated[Page, Depends(admin)]) -> Response:
    assert page.me is not None
    try:
        camp, day, rate, vat, mode = _form(page)
        with page.db.writing() as s:
            before = commission_terms(s, camp, day).as_json() if s.get(Campaign, camp) else None
            terms = set_commission(s, camp, day, rate, page.me.email, utc_now(), vat_bp=vat, mode=mode)
            record(s, page.me.operator_id, page.me.email, AuditAction.COMMISSION_SET, f"commission:{camp}",
                   before, terms.as_json())
    except (FieldError, FormErrors) as exc:
        return _commission_page(page, 422, page.values(), errors_of(exc, page.t))
    except CommissionError as exc:
        field = _FIELD_OF.get(exc.code.value, "rate_bp")
        return _commission_page(page, 422, page.values(), {field: page.t(exc.code.value)})
    return page.redirect("/commission", page.t("commission_saved"))


def _pq(page: Page) -> str:
    period, _raw, _errors = period_of(page)
    return f"from={period.start.isoformat()}&to={period.end.isoformat()}"


@router.get("/invoices")
def invoices(page: Annotated[Page, Depends(viewer)]) -> Response:
    period, raw, errors = period_of(page)
    with page.db.reading() as s:
        rows = [] if errors else list_invoices(s, period)
        invoiced = {i.merchant_id for i in rows if i.credited_by is None and i.kind.value == "invoice"}
        todo = [] if errors else [c for c in due_commissions(s, period) if c.merchant_id not in invoiced]
    return page.render("invoices.html", invoices=rows, todo=todo, period=period, values=raw, errors=errors,
                       pq=_pq(page), notice=page.request.query_params.get("notice", ""))


@router.post("/invoices/issue")
def invoices_issue(page: Annotated[Page, Depends(admin)]) -> Response:
    assert page.me is not None
    period, _raw, _errors = period_of(page, "form")
    back = f"/invoices?from={period.start.isoformat()}&to={period.end.isoformat()}"
    try:
        with page.db.writing() as s:
            done = issue_invoices(s, period, page.me.email, utc_now())
            if done.issued:
                record(s, page.me.operator_id, page.me.email, AuditAction.INVOICES_ISSUE,
                       f"invoices:{period.start}..{period.end}", None,
                       {"issued": [i.number for i in done.issued]})
    except InvoiceError as exc:
        return page.redirect(back, page.t("refused", reason=page.t(exc.code.value)))
    return page.redirect(back, page.t("invoices_issued", count=len(done.issued)))


@router.post("/invoices/{number}/credit-note")
def credit_note(page: Annotated[Page, Depends(admin)], number: str) -> Response:
    assert page.me is not None
    period, _raw, _errors = period_of(page, "form")
    back = f"/invoices?from={period.start.isoformat()}&to={period.end.isoformat()}"
    try:
        with page.db.writing() as s:
            note = issue_credit_note(s, number, page.field("reason"), page.me.email, utc_now())
            record(s, page.me.operator_id, page.me.email, AuditAction.CREDIT_NOTE, f"invoice:{number}",
                   {"credited_by": None}, {"credited_by": note.number, "reason": note.reason})
    except InvoiceError as exc:
        return page.redirect(back, page.t("refused", reason=page.t(exc.code.value)))
    return page.redirect(back, page.t("credit_note_issued", number=note.number))


@router.get("/invoices/{number}/{kind}.pdf")
def invoice_file(page: Annotated[Page, Depends(viewer)], number: str, kind: str) -> Response:
    """The invoice as a PDF (``invoice``) or a Factur-X PDF (``facturx``)."""
    try:
        with page.db.reading() as s:
            inv = get_invoice(s, number)
    except InvoiceError:
        return Response(page.t("unknown_invoice"), status_code=404, headers=HEADERS)
    data = invoice_files.facturx_pdf(inv) if kind == "facturx" else invoice_files.invoice_pdf(inv)
    name = f"{inv.number}{'-facturx' if kind == 'facturx' else ''}.pdf"
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type="application/pdf", headers=headers)
