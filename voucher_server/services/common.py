"""Small rules shared by the voucher routes: parsing codes and times, signatures, verdicts, JSON text."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session

from voucher_core.campaigns import VoucherState
from voucher_core.codes import CodeError, SignedCode, parse_code, verify_signed
from voucher_core.timeutil import parse_utc_text, to_utc_text
from voucher_core.verdicts import Verdict, judge

from ..db import aware
from ..errors import ApiError
from ..models import Voucher
from ..store import VoucherRow
from .campaigns import CampaignInfo
from .context import Caller


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer decided by a rule: status and the exact JSON text (stored for replays)."""

    status: int
    text: str


def ts(moment: datetime | None) -> str | None:
    return to_utc_text(aware(moment)) if moment is not None else None  # type: ignore[arg-type]


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def parsed(code: str) -> tuple[str, SignedCode | None]:
    """Validate the path code before any query: (serial, signed code or None)."""
    if "\x00" in code or not code.isprintable():
        raise ApiError(400, "malformed")
    try:
        pc = parse_code(code)
    except CodeError as exc:
        raise ApiError(400, "malformed", str(exc), reason=exc.reason) from None
    return pc.serial, pc if isinstance(pc, SignedCode) else None


def check_signature(signed: SignedCode | None, voucher: Voucher | VoucherRow | None,
                    data: dict[str, CampaignInfo]) -> None:
    if signed is None:
        return
    info = data.get(signed.campaign_id)
    ok = info is not None and verify_signed(signed, info.core.public_keys)
    if not ok or (voucher is not None and voucher.campaign_id != signed.campaign_id):
        raise ApiError(409, "forged")


def parse_client_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_utc_text(text)
    except ValueError:
        raise ApiError(422, "invalid_request", "client_time : date ISO 8601 attendue.",
                       fields=["client_time"]) from None


def fingerprint(kind: str, target: str, body: BaseModel) -> str:
    raw = dumps({"kind": kind, "target": target, "body": body.model_dump()})
    return hashlib.sha256(raw.encode()).hexdigest()


def in_scope(who: Caller, campaign_id: str, data: dict[str, CampaignInfo]) -> bool:
    """Whether this terminal takes part in the campaign (accepts or sells it): outside it, a voucher is answered
    exactly as an unknown number, so its state and who redeemed it stay hidden."""
    info = data.get(campaign_id)
    return info is not None and ((who.is_merchant and who.merchant_id in info.core.merchant_ids)
                                 or (who.is_seller and who.merchant_id in info.seller_ids))


def verdict_for(who: Caller, v: Voucher | VoucherRow | None, moment: datetime,
                data: dict[str, CampaignInfo]) -> Verdict:
    info = data.get(v.campaign_id) if v is not None else None
    state = VoucherState(v.state) if v is not None else None
    return judge(state, info.core if info else None, who.merchant_id if who.is_merchant else "", moment)


def refusal(verdict: Verdict, v: Voucher | VoucherRow | None, redeemed_by: str | None) -> ApiError:
    if verdict is Verdict.UNKNOWN:
        return ApiError(404, "unknown")
    if verdict is Verdict.ALREADY_REDEEMED and v is not None:
        return ApiError(409, "already_redeemed", redeemed_at=ts(v.redeemed_at), redeemed_by=redeemed_by)
    return ApiError(409, verdict.value)


def changed(s: Session, statement: Executable) -> int:
    """Rows changed by an UPDATE (the conditional updates' way of telling they lost a race)."""
    result = s.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount
