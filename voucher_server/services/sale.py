"""Selling (activating) a voucher at a tobacconist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.orm import Session

from voucher_core.campaigns import Validity
from voucher_core.codes import SignedCode
from voucher_core.timeutil import to_utc_text

from ..errors import ApiError
from ..models import Activity, Voucher
from ..schemas import ActivateBody
from .business_days import agreed_day
from .claims import judge_offline
from .common import Answer, changed, check_signature, fingerprint, in_scope, parse_client_time
from .context import Caller, Context
from .idempotency import run_idempotent


def activate(ctx: Context, who: Caller, serial: str, signed: SignedCode | None, body: ActivateBody) -> Answer:
    """Sell the voucher once (issued -> active) at the campaign's price, once per idempotency key."""
    if not who.is_seller:
        raise ApiError(403, "forbidden", "Seul un vendeur peut activer un bon.")

    if not body.offline:
        ctx.contacts.note_now(who.terminal_id)

    def action(s: Session, now: datetime) -> tuple[int, dict[str, Any], int | None]:
        return _activate(ctx, s, now, who, serial, signed, body)

    return run_idempotent(ctx, who, body.idempotency_key, fingerprint("activate", serial, body), action)


def _activate(ctx: Context, s: Session, now: datetime, who: Caller, serial: str, signed: SignedCode | None,
              body: ActivateBody) -> tuple[int, dict[str, Any], int | None]:
    client = parse_client_time(body.client_time) or now
    moment = min(client, now) if body.offline else now
    day = agreed_day(ctx.db, who, body.business_day, moment, client)
    v = s.get(Voucher, serial)
    check_signature(signed, v, ctx.campaigns.get())
    if v is None or not in_scope(who, v.campaign_id, ctx.campaigns.get()):
        raise ApiError(404, "unknown")
    info = ctx.campaigns.get()[v.campaign_id]
    if v.state == "blocked":
        raise ApiError(409, "blocked")
    if v.state != "issued":
        raise ApiError(409, "already_sold")
    if info.core.validity(now) is Validity.EXPIRED:
        raise ApiError(409, "expired")
    if body.sale_price_cents != info.core.sale_price_cents:
        raise ApiError(422, "wrong_price", expected_cents=info.core.sale_price_cents)
    if body.offline:
        judge_offline(s, who, client, now, day, info.core.sale_price_cents, None, info.core)
    act = Activity(kind="activate", serial=serial, campaign_id=v.campaign_id, terminal_id=who.terminal_id,
                   merchant_id=who.merchant_id, amount_cents=info.core.face_value_cents,
                   sale_price_cents=info.core.sale_price_cents, topup_cents=info.topup_cents,
                   idempotency_key=body.idempotency_key, client_time=client, server_time=now,
                   business_time=moment, offline=body.offline, business_day=day)
    s.add(act)
    s.flush()
    done = changed(s, update(Voucher).where(and_(Voucher.serial == serial, Voucher.state == "issued"))
                     .values(state="active", sale_id=act.id, sold_at=now,
                             paid_cents=info.core.sale_price_cents))
    if done != 1:
        raise ApiError(409, "already_sold")
    return 200, {"sale_id": act.id, "serial": serial, "campaign_id": v.campaign_id,
                 "face_value_cents": info.core.face_value_cents,
                 "sale_price_cents": info.core.sale_price_cents, "topup_cents": info.topup_cents,
                 "activated_at": to_utc_text(now), "seller": who.merchant_name}, act.id
