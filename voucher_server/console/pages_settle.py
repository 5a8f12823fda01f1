"""Settlement pages: what the operator owes each shop (paid state, SEPA file) and what each tobacconist owes it
(received state). Every figure comes from the money services, the same functions as the CLIs, PDFs and CSVs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from voucher_core.timeutil import business_day, utc_now

from .. import statement_files
from ..models_money import PaymentMethod
from ..services import sepa
from ..services.documents import Document, remittance_document, render_csv, render_pdf, statement_document
from ..services.online_settlement import provider_settlement
from ..services.periods import Period
from ..services.remittance import mark_remittance_received, remittance
from ..services.remittance import remittances as remittances_due
from ..services.settlement import mark_statement_paid, shop_reimbursement, shops_due
from ..services.statement import shop_statement
from .audit import AuditAction, record
from .validation import FieldError, clean_date
from .web import HEADERS, Page, admin, errors_of, viewer

router = APIRouter()


def period_of(page: Page, source: str = "query") -> tuple[Period, dict[str, str], dict[str, str]]:
    """The period typed (``from``/``to``), by default this month so far; with the values and field errors."""
    get = page.request.query_params.get if source == "query" else page.field
    today = business_day(utc_now())
    raw = {"from": get("from") or today.replace(day=1).isoformat(), "to": get("to") or today.isoformat()}
    errors: dict[str, str] = {}
    try:
        start, end = clean_date("from", raw["from"]), clean_date("to", raw["to"])
        if end < start:
            raise FieldError("to", "err_end_before_start")
        return Period(start, end), raw, errors
    except FieldError as exc:
        errors = errors_of(exc, page.t)
    return Period(today.replace(day=1), today), raw, errors


def document(doc: Document, kind: str, name: str) -> Response:
    """A money document as PDF or CSV (the same table)."""
    if kind == "csv":
        headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(render_csv(doc).encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers=headers)
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}.pdf"'}
    return Response(render_pdf(doc, now=utc_now()), media_type="application/pdf", headers=headers)


def _period_query(period: Period) -> str:
    return f"from={period.start.isoformat()}&to={period.end.isoformat()}"


@router.get("/statements")
def statements(page: Annotated[Page, Depends(viewer)]) -> Response:
    period, raw, errors = period_of(page)
    with page.db.reading() as s:
        dues = [] if errors else shops_due(s, period)
    return page.render("statements.html", dues=dues, period=period, values=raw, errors=errors,
                       pq=_period_query(period), methods=list(PaymentMethod),
                       notice=page.request.query_params.get("notice", ""))


@router.get("/statements/sepa.xml")
def sepa_file(page: Annotated[Page, Depends(viewer)]) -> Response:
    """The pain.001 credit transfer paying every shop due and unpaid for the period (nothing is marked paid)."""
    period, _raw, _errors = period_of(page)
    try:
        with page.db.reading() as s:
            export = sepa.sepa_credit_transfer(s, period, sepa.debtor_from_env(), utc_now())
    except ValueError as exc:
        return page.redirect(f"/statements?{_period_query(period)}", page.t("refused", reason=str(exc)))
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{export.message_id}.xml"'}
    return Response(export.xml, media_type="application/xml", headers=headers)


@router.get("/statements/{mid}/detail.{kind}")
def statement_detail(page: Annotated[Page, Depends(viewer)], mid: str, kind: str) -> Response:
    """The shop's detailed statement (by business day, till and line: `voucher-server statement`)."""
    period, _raw, _errors = period_of(page)
    with page.db.reading() as s:
        st = shop_statement(s, mid, period.start, period.end)
    suffix = "csv" if kind == "csv" else "pdf"
    with tempfile.TemporaryDirectory(prefix="statement_") as tmp:
        path = Path(tmp) / f"statement.{suffix}"
        (statement_files.write_csv if suffix == "csv" else statement_files.write_pdf)(st, path)
        data = path.read_bytes()
    name = f"releve-detaille-{mid}-{period.start}-{period.end}.{suffix}"
    media = "text/csv; charset=utf-8" if suffix == "csv" else "application/pdf"
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media, headers=headers)


def _method(page: Page, default: PaymentMethod) -> PaymentMethod:
    """The form's payment method; anything else (a forged form) is the usual one for that page."""
    chosen = page.field("method")
    return PaymentMethod(chosen) if chosen in set(PaymentMethod) else default


@router.get("/statements/{mid}.{kind}")
def statement_file(page: Annotated[Page, Depends(viewer)], mid: str, kind: str) -> Response:
    period, _raw, _errors = period_of(page)
    with page.db.reading() as s:
        due = shop_reimbursement(s, mid, period)
    return document(statement_document(due), kind, f"releve-{mid}-{period.start}-{period.end}")


@router.post("/statements/{mid}/paid")
def statement_paid(page: Annotated[Page, Depends(admin)], mid: str) -> Response:
    assert page.me is not None
    period, _raw, _errors = period_of(page, "form")
    method = _method(page, PaymentMethod.TRANSFER)
    try:
        with page.db.writing() as s:
            paid = mark_statement_paid(s, mid, period, page.me.email, utc_now(), method, page.field("reference"))
            record(s, page.me.operator_id, page.me.email, AuditAction.STATEMENT_PAID,
                   f"statement:{mid}:{period.start}..{period.end}", {"paid": None}, paid.as_json())
    except ValueError as exc:
        return page.redirect(f"/statements?{_period_query(period)}", page.t("refused", reason=str(exc)))
    return page.redirect(f"/statements?{_period_query(period)}", page.t("statement_marked_paid"))


@router.get("/remittances")
def remittances(page: Annotated[Page, Depends(viewer)]) -> Response:
    period, raw, errors = period_of(page)
    with page.db.reading() as s:
        rows = [] if errors else remittances_due(s, period)
        # the provider's sales arrive as its payouts: what they covered, from the one settlement function
        payouts = {r.seller_id: provider_settlement(s, r.seller_id, period) for r in rows if r.by_payouts}
    return page.render("remittances.html", rows=rows, payouts=payouts, period=period, values=raw, errors=errors,
                       pq=_period_query(period), methods=list(PaymentMethod),
                       notice=page.request.query_params.get("notice", ""))


@router.get("/remittances/{sid}.{kind}")
def remittance_file(page: Annotated[Page, Depends(viewer)], sid: str, kind: str) -> Response:
    period, _raw, _errors = period_of(page)
    with page.db.reading() as s:
        r = remittance(s, sid, period)
    return document(remittance_document(r), kind, f"versement-{sid}-{period.start}-{period.end}")


@router.post("/remittances/{sid}/received")
def remittance_received(page: Annotated[Page, Depends(admin)], sid: str) -> Response:
    assert page.me is not None
    period, _raw, _errors = period_of(page, "form")
    method = _method(page, PaymentMethod.CASH)
    try:
        with page.db.writing() as s:
            got = mark_remittance_received(s, sid, period, method, page.me.email, utc_now())
            record(s, page.me.operator_id, page.me.email, AuditAction.REMITTANCE_RECEIVED,
                   f"remittance:{sid}:{period.start}..{period.end}", {"received": None}, got.as_json())
    except ValueError as exc:
        return page.redirect(f"/remittances?{_period_query(period)}", page.t("refused", reason=str(exc)))
    return page.redirect(f"/remittances?{_period_query(period)}", page.t("remittance_marked"))
