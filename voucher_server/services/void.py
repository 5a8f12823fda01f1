"""Undoing a redemption or a sale within the void window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from voucher_core.timeutil import to_utc_text

from ..db import aware
from ..errors import ApiError
from ..models import Activity, Voucher
from ..schemas import VoidBody
from .business_days import agreed_day
from .common import Answer, changed, fingerprint
from .context import Caller, Context
from .idempotency import run_idempotent


def _voidable(ctx: Context, s: Session, now: datetime, who: Caller, ref_id: int, kinds: tuple[str, str],
              not_yours: str) -> Activity:
    """The activity of kind ``kinds[0]`` that this caller may undo now with a ``kinds[1]``: its own, not undone
    yet, within the void window (counted from the server's time of the activity)."""
    done = s.get(Activity, ref_id)
    if done is None or done.kind != kinds[0]:
        raise ApiError(404, "not_found")
    if done.merchant_id != who.merchant_id:
        raise ApiError(403, "forbidden", not_yours)
    if s.scalar(select(Activity.id).where(Activity.kind == kinds[1], Activity.ref_id == ref_id)) is not None:
        raise ApiError(409, "already_voided")
    if now - aware(done.server_time) > ctx.void_window:  # type: ignore[operator]
        raise ApiError(409, "void_window_passed")
    return done


def void_redemption(ctx: Context, who: Caller, rid: int, body: VoidBody) -> Answer:
    """Put a redeemed voucher back to active, by the shop that redeemed it, within the window."""
    if not who.is_merchant:
        raise ApiError(403, "forbidden")

    def action(s: Session, now: datetime) -> tuple[int, dict[str, Any], int | None]:
        return _void_redemption(ctx, s, now, who, rid, body)

    return run_idempotent(ctx, who, body.idempotency_key, fingerprint("void", str(rid), body), action)


def _void_redemption(ctx: Context, s: Session, now: datetime, who: Caller, rid: int,
                     body: VoidBody) -> tuple[int, dict[str, Any], int | None]:
    red = _voidable(ctx, s, now, who, rid, ("redeem", "void"), "Ce passage appartient à un autre commerce.")
    act = Activity(kind="void", serial=red.serial, campaign_id=red.campaign_id, terminal_id=who.terminal_id,
                   merchant_id=who.merchant_id, amount_cents=red.amount_cents,
                   idempotency_key=body.idempotency_key, server_time=now, business_time=now, ref_id=rid,
                   business_day=agreed_day(ctx.db, who, body.business_day, now, None))
    s.add(act)
    s.flush()  # the unique (kind, ref_id) index stops a concurrent second void here
    done = changed(s, update(Voucher).where(and_(Voucher.serial == red.serial, Voucher.state == "redeemed",
                                                Voucher.redemption_id == rid))
                     .values(state="active", redemption_id=None, redeemed_at=None, redeemed_by=None))
    if done != 1:
        raise ApiError(409, "already_voided")
    return 200, {"redemption_id": rid, "serial": red.serial, "voided_at": to_utc_text(now),
                 "amount_cents": red.amount_cents}, act.id


def void_sale(ctx: Context, who: Caller, sid: int, body: VoidBody) -> Answer:
    """Put a sold voucher back to issued, by the seller that sold it, within the window, if still unspent."""
    if not who.is_seller:
        raise ApiError(403, "forbidden")

    def action(s: Session, now: datetime) -> tuple[int, dict[str, Any], int | None]:
        return _void_sale(ctx, s, now, who, sid, body)

    return run_idempotent(ctx, who, body.idempotency_key, fingerprint("sale_void", str(sid), body), action)


def _void_sale(ctx: Context, s: Session, now: datetime, who: Caller, sid: int,
               body: VoidBody) -> tuple[int, dict[str, Any], int | None]:
    sale = _voidable(ctx, s, now, who, sid, ("activate", "sale_void"), "Cette vente appartient à un autre vendeur.")
    v = s.get(Voucher, sale.serial)
    if v is None or v.state != "active" or v.sale_id != sid:
        raise ApiError(409, "voucher_spent")
    act = Activity(kind="sale_void", serial=sale.serial, campaign_id=sale.campaign_id,
                   terminal_id=who.terminal_id, merchant_id=who.merchant_id,
                   amount_cents=sale.amount_cents, sale_price_cents=sale.sale_price_cents,
                   topup_cents=sale.topup_cents, idempotency_key=body.idempotency_key, server_time=now,
                   business_time=now, ref_id=sid, business_day=agreed_day(ctx.db, who, body.business_day, now, None))
    s.add(act)
    s.flush()
    done = changed(s, update(Voucher).where(and_(Voucher.serial == sale.serial, Voucher.state == "active",
                                                Voucher.sale_id == sid))
                     .values(state="issued", sale_id=None, sold_at=None, paid_cents=None))
    if done != 1:
        raise ApiError(409, "voucher_spent")
    return 200, {"sale_id": sid, "serial": sale.serial, "voided_at": to_utc_text(now),
                 "sale_price_cents": sale.sale_price_cents}, act.id
