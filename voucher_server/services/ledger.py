"""A shop's server-side ledger of a day, and each terminal's last acknowledged ledger head."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..models import Activity
from ..models import Terminal as TerminalRow
from .common import ts
from .context import Caller, Context

FIRST_YEAR, LAST_YEAR = 2000, 2999  # the dates /ledger answers for
TOTALS = ("redeemed_count", "redeemed_cents", "voided_count", "voided_cents", "net_redeemed_cents", "sold_count",
          "sold_cents", "sale_voided_count", "sale_voided_cents", "net_sold_cents", "topup_cents")


def _activity(a: Activity, terminal_name: str | None) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "serial": a.serial, "campaign_id": a.campaign_id,
            "amount_cents": a.amount_cents, "sale_price_cents": a.sale_price_cents,
            "topup_cents": a.topup_cents, "idempotency_key": a.idempotency_key, "terminal": terminal_name,
            "client_time": ts(a.client_time), "server_time": ts(a.server_time), "offline": a.offline,
            "ref_id": a.ref_id, "business_day": a.business_day.isoformat() if a.business_day else None}


def _add(t: dict[str, int], a: Activity) -> None:
    if a.kind == "redeem":
        t["redeemed_count"] += 1
        t["redeemed_cents"] += a.amount_cents
    elif a.kind == "void":
        t["voided_count"] += 1
        t["voided_cents"] += a.amount_cents
    elif a.kind == "activate":
        t["sold_count"] += 1
        t["sold_cents"] += a.sale_price_cents
        t["topup_cents"] += a.topup_cents
    else:
        t["sale_voided_count"] += 1
        t["sale_voided_cents"] += a.sale_price_cents
        t["topup_cents"] -= a.topup_cents


def day_ledger(ctx: Context, who: Caller, the_day: date) -> dict[str, Any]:
    """The merchant's redemptions and sales booked on business day ``the_day`` (the till's day, see
    services.business_days), with the voids of those whenever they came, and totals."""
    with ctx.db.reading() as s:
        opens = s.execute(
            select(Activity, TerminalRow.name).outerjoin(TerminalRow, TerminalRow.id == Activity.terminal_id)
            .where(Activity.merchant_id == who.merchant_id, Activity.business_day == the_day,
                   Activity.kind.in_(["redeem", "activate"]))
            .order_by(Activity.server_time, Activity.id)).all()  # ids come in blocks per server process
        ids = [a.id for a, _ in opens]
        voids = s.execute(
            select(Activity, TerminalRow.name).outerjoin(TerminalRow, TerminalRow.id == Activity.terminal_id)
            .where(Activity.kind.in_(["void", "sale_void"]), Activity.ref_id.in_(ids))
            .order_by(Activity.server_time, Activity.id)).all() if ids else []
    out, t = [], dict.fromkeys(TOTALS, 0)
    for a, tname in [*opens, *voids]:
        out.append(_activity(a, tname))
        _add(t, a)
    t["net_redeemed_cents"] = t["redeemed_cents"] - t["voided_cents"]
    t["net_sold_cents"] = t["sold_cents"] - t["sale_voided_cents"]
    return {"date": the_day.isoformat(), "merchant": {"id": who.merchant_id, "name": who.merchant_name},
            "activities": out, "totals": t}
