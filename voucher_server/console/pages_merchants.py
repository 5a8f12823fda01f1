"""Shops and tobacconists: register, edit (SIRET and IBAN checked), their tills: issue a token, disable."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from ..models import Merchant, Terminal
from ..models_books import PostalAddress
from ..services.postal import LIMITS, set_postal_address
from ..services.terminals import UnknownTerminal, set_terminal_enabled
from . import merchant_ops
from .audit import AuditAction, changed, record
from .auth import SignedIn
from .merchant_ops import MerchantFields
from .validation import FieldError, FormErrors, clean_bic, clean_iban, clean_siret, clean_text, collect
from .web import NotFound, Page, admin, errors_of, viewer

router = APIRouter()
# The alarm columns are deferred (models.Terminal): loaded with the row, the template reads them after the session.
WITH_ALARM = (undefer(Terminal.ledger_alarm), undefer(Terminal.ledger_alarm_seq), undefer(Terminal.ledger_alarm_at))


def fields_from(page: Page) -> MerchantFields:
    f = page.field
    name, siret, iban, bic, address = collect(
        lambda: clean_text("name", f("name"), 200),
        lambda: clean_siret("siret", f("siret")),
        lambda: clean_iban("iban", f("iban")),
        lambda: clean_bic("bic", f("bic")),
        lambda: clean_text("address", f("address"), 400, required=False))
    return MerchantFields(name, siret, iban, bic, address, page.checked("is_merchant"), page.checked("is_seller"))


POSTAL_FIELDS = ("street_name", "building_number", "post_code", "town_name", "country")


def postal_from(page: Page) -> tuple[str, str, str, str, str] | None:
    """The structured address (the SEPA .09 file needs it), or None when left entirely blank."""
    f = page.field
    if not any(f(k).strip() for k in POSTAL_FIELDS if k != "country"):
        return None

    def country() -> str:
        code = f("country").strip().upper() or "FR"
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise FieldError("country", "err_country")
        return code

    street, number, post_code, town, code = collect(
        lambda: clean_text("street_name", f("street_name"), LIMITS["street_name"]),
        lambda: clean_text("building_number", f("building_number"), LIMITS["building_number"], required=False),
        lambda: clean_text("post_code", f("post_code"), LIMITS["post_code"]),
        lambda: clean_text("town_name", f("town_name"), LIMITS["town_name"]),
        country)
    return street, number, post_code, town, code


def _save_postal(s: Session, who: SignedIn, mid: str, postal: tuple[str, str, str, str, str]) -> None:
    """Set the structured address and put the change in the audit trail, like the shop's other fields."""
    row = s.get(PostalAddress, mid)
    before = {k: getattr(row, k) for k in POSTAL_FIELDS} if row is not None else {}
    row = set_postal_address(s, mid, *postal)
    old, new = changed(before, {k: getattr(row, k) for k in POSTAL_FIELDS})
    if new:
        record(s, who.operator_id, who.email, AuditAction.MERCHANT_EDIT, f"merchant:{mid}", old, new)


def _values(m: Merchant, postal: PostalAddress | None = None) -> dict[str, Any]:
    values = {"name": m.name, "siret": m.siret, "iban": m.iban, "bic": m.bic, "address": m.address,
              "is_merchant": "1" if m.is_merchant else "", "is_seller": "1" if m.is_seller else ""}
    if postal is not None:
        values.update({k: getattr(postal, k) for k in POSTAL_FIELDS})
    return values


def _both(page: Page) -> tuple[MerchantFields, tuple[str, str, str, str, str] | None]:
    """The shop's fields and its structured address, every refused field of both reported at once."""
    errors: list[FieldError] = []
    fields: MerchantFields | None = None
    postal = None
    try:
        fields = fields_from(page)
    except FormErrors as exc:
        errors.extend(exc.errors)
    try:
        postal = postal_from(page)
    except FormErrors as exc:
        errors.extend(exc.errors)
    if errors or fields is None:
        raise FormErrors(errors)
    return fields, postal


@router.get("/merchants")
def merchant_list(page: Annotated[Page, Depends(viewer)]) -> Response:
    with page.db.reading() as s:
        merchants = s.scalars(select(Merchant).order_by(Merchant.name)).all()
        tills = s.scalars(select(Terminal).options(*WITH_ALARM)).all()
    per: dict[str, list[Terminal]] = {}
    for t in tills:
        per.setdefault(t.merchant_id, []).append(t)
    return page.render("merchants.html", merchants=merchants, tills=per,
                       values={"is_merchant": "1"}, errors={})


@router.post("/merchants")
def merchant_create(page: Annotated[Page, Depends(admin)]) -> Response:
    assert page.me is not None
    try:
        fields, postal = _both(page)
        with page.db.writing() as s:
            mid = merchant_ops.create(s, page.me, fields).id
            if postal is not None:
                _save_postal(s, page.me, mid, postal)
    except (FieldError, FormErrors) as exc:
        with page.db.reading() as s:
            merchants = s.scalars(select(Merchant).order_by(Merchant.name)).all()
        return page.render("merchants.html", status=422, merchants=merchants, tills={},
                           values=page.values(), errors=errors_of(exc, page.t))
    return page.redirect(f"/merchants/{mid}", page.t("merchant_created"))


def _detail(page: Page, mid: str, status: int = 200, **extra: Any) -> Response:
    with page.db.reading() as s:
        m = s.get(Merchant, mid)
        if m is None:
            raise NotFound()
        tills = s.scalars(select(Terminal).options(*WITH_ALARM).where(Terminal.merchant_id == mid)
                          .order_by(Terminal.id)).all()
        postal = s.get(PostalAddress, mid)
    ctx: dict[str, Any] = {"m": m, "tills": tills, "values": _values(m, postal), "errors": {},
                           "notice": page.request.query_params.get("notice", "")}
    ctx.update(extra)
    return page.render("merchant.html", status=status, **ctx)


@router.get("/merchants/{mid}")
def merchant_detail(page: Annotated[Page, Depends(viewer)], mid: str) -> Response:
    return _detail(page, mid)


@router.post("/merchants/{mid}")
def merchant_edit(page: Annotated[Page, Depends(admin)], mid: str) -> Response:
    assert page.me is not None
    try:
        fields, postal = _both(page)
        with page.db.writing() as s:
            m = s.get(Merchant, mid)
            if m is None:
                raise NotFound()
            merchant_ops.edit(s, page.me, m, fields)
            if postal is not None:
                _save_postal(s, page.me, mid, postal)
    except (FieldError, FormErrors) as exc:
        return _detail(page, mid, status=422, values=page.values(), errors=errors_of(exc, page.t))
    return page.redirect(f"/merchants/{mid}", page.t("saved"))


@router.post("/merchants/{mid}/terminals")
def terminal_create(page: Annotated[Page, Depends(admin)], mid: str) -> Response:
    """The token is shown on this response only (no redirect: it never sits in a URL or the history)."""
    assert page.me is not None
    try:
        name = clean_text("terminal_name", page.field("terminal_name"), 100)
    except FieldError as exc:
        return _detail(page, mid, status=422, errors=errors_of(exc, page.t))
    with page.db.writing() as s:
        m = s.get(Merchant, mid)
        if m is None:
            raise NotFound()
        t, token = merchant_ops.new_terminal(s, page.me, mid, name)
        tid, merchant_name = t.id, m.name
    return page.render("token.html", token=token, qr=merchant_ops.token_qr_svg(token), terminal_id=tid,
                       terminal_name=name, merchant_id=mid, merchant_name=merchant_name)


@router.post("/terminals/{tid}/enabled")
def terminal_enabled(page: Annotated[Page, Depends(admin)], tid: Annotated[int, Path(ge=1, le=2**31)]) -> Response:
    """Disable or re-enable a till through the API's own rule: its very next request is refused."""
    assert page.me is not None
    enabled = page.field("enabled") == "1"
    try:
        changed = set_terminal_enabled(page.db, tid, enabled)
    except UnknownTerminal:
        raise NotFound() from None
    with page.db.writing() as s:
        t = s.get(Terminal, tid)
        assert t is not None
        if changed:
            merchant_ops.record_enabled(s, page.me, tid, enabled)
        mid = t.merchant_id
    return page.redirect(f"/merchants/{mid}", page.t("saved"))


@router.post("/terminals/{tid}/ledger-reset")
def terminal_ledger_reset(page: Annotated[Page, Depends(admin)],
                          tid: Annotated[int, Path(ge=1, le=2**31)]) -> Response:
    """After the operator checked a flagged or replaced till: forget its chain and alarm (as reset-till-ledger)."""
    assert page.me is not None
    with page.db.writing() as s:
        t = s.get(Terminal, tid, options=WITH_ALARM)
        if t is None:
            raise NotFound()
        merchant_ops.reset_ledger(s, page.me, t)
        mid = t.merchant_id
    return page.redirect(f"/merchants/{mid}", page.t("ledger_reset_done"))
