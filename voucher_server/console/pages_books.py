"""Books page: the FEC of a period (download, recorded with its chart version and SHA-256), the chart of accounts
in force, and the recorded exports (each downloadable again byte for byte). Admin and accountant alike: an export
changes no figure. The files are ``services.fec_files``', the same as the CLI's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from voucher_core.timeutil import utc_now

from ..services.chart import ChartError, Role, current_chart, set_accounts
from ..services.fec_files import FecFile, FecFormat, export_fec, export_history, reexport
from .audit import AuditAction, record
from .pages_settle import period_of
from .web import HEADERS, Page, admin, viewer

router = APIRouter()


def _download(f: FecFile) -> Response:
    ext = "csv" if f.fmt is FecFormat.CSV else "txt"
    name = f"FEC{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}.{ext}"
    media = "text/csv; charset=utf-8" if f.fmt is FecFormat.CSV else "text/plain; charset=iso-8859-15"
    return Response(f.data, media_type=media,
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/books")
def books(page: Annotated[Page, Depends(viewer)]) -> Response:
    return _books_page(page)


def _books_page(page: Page, status: int = 200, chart_error: str = "") -> Response:
    period, raw, errors = period_of(page)
    with page.db.reading() as s:
        chart = current_chart(s)
        exports = export_history(s)
    return page.render("books.html", status=status, period=period, values=raw, errors=errors, chart=chart,
                       exports=exports, chart_error=chart_error,
                       pq=f"from={period.start.isoformat()}&to={period.end.isoformat()}")


@router.post("/books/accounts")
def books_account_set(page: Annotated[Page, Depends(admin)]) -> Response:
    """A new version of the chart with one role's account changed; past exports keep the version they used."""
    assert page.me is not None
    try:
        role = Role(page.field("role"))
    except ValueError:
        return _books_page(page, 422, page.t("chart_unknown"))
    number, label = page.field("number").strip(), page.field("label").strip()
    try:
        with page.db.writing() as s:
            before = current_chart(s)
            after = set_accounts(s, {role: (number, label)}, page.me.email, utc_now())
            record(s, page.me.operator_id, page.me.email, AuditAction.CHART_SET, f"chart:{role.value}",
                   {"version": before.version, "account": list(before.accounts[role])},
                   {"version": after.version, "account": [number, label]})
    except ChartError as exc:
        return _books_page(page, 422, page.t(exc.code))
    return page.redirect("/books", page.t("chart_saved", version=after.version))


@router.get("/books/fec.{kind}")
def books_fec(page: Annotated[Page, Depends(viewer)], kind: str) -> Response:
    period, _raw, errors = period_of(page)
    if errors:
        return page.redirect("/books", " ".join(errors.values()))
    assert page.me is not None
    with page.db.writing() as s:
        f = export_fec(s, period, page.me.email, utc_now(), FecFormat.CSV if kind == "csv" else FecFormat.FEC)
    return _download(f)


@router.get("/books/exports/{export_id}")
def books_again(page: Annotated[Page, Depends(viewer)], export_id: int) -> Response:
    try:
        with page.db.reading() as s:
            f = reexport(s, export_id)
    except ValueError:
        return Response(page.t("none"), status_code=404, headers=HEADERS)
    return _download(f)
