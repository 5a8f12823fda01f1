"""/campaigns: the terminal's campaigns with their public keys (the till verifies codes offline)."""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter

from ..deps import Auth, Ctx
from ..http_errors import SafeRoute

router = APIRouter(route_class=SafeRoute)


@router.get("/campaigns")
def list_campaigns(ctx: Ctx, who: Auth) -> dict[str, Any]:
    data = ctx.campaigns.get()
    out = []
    for cid in ctx.campaigns_of(who):
        info = data[cid]
        c = info.core
        out.append({"id": c.id, "name": c.name, "face_value_cents": c.face_value_cents,
                    "sale_price_cents": c.sale_price_cents, "topup_cents": info.topup_cents,
                    "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
                    "topup_until": c.topup_until.isoformat() if c.topup_until else None,
                    "merchant_ids": sorted(c.merchant_ids), "seller_ids": sorted(info.seller_ids),
                    "keys": [{"key_id": k, "public_key": base64.b64encode(v).decode("ascii")}
                             for k, v in sorted(c.public_keys.items())]})
    return {"campaigns": out}
