"""What a voucher's holder may see of it on its public page (``/v/<code>``): its own value, dates and state,
nothing of any other voucher. A page needs the voucher's full code; every code that does not name a voucher
(wrong check digit, forged signature, unknown serial, old guessable serial) gets the one same answer: None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from voucher_core.campaigns import Validity, VoucherState
from voucher_core.codes import SERIAL_DIGITS, CodeError, SignedCode, parse_code, verify_signed
from voucher_core.timeutil import business_day

from ..store import Store
from .campaigns import CampaignInfo

NO_SERIAL = "0" * SERIAL_DIGITS  # never issued (its check digits are not 98 - ...): the query a bad code makes


class HolderState(StrEnum):
    """The state a holder reads on the page."""

    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    NOT_ACTIVATED = "not_activated"  # unsold stock: a voucher that was never paid for
    USED = "used"
    EXPIRED = "expired"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class HolderView:
    """One voucher as its holder sees it. Amounts in cents; days are Paris days."""

    serial_end: str  # the last 4 digits: enough to tell one's vouchers apart, not to name one
    campaign_id: str
    campaign_name: str
    state: HolderState
    face_value_cents: int
    value_today_cents: int
    valid_from: date
    valid_until: date
    topup_until: date | None  # set only when the value drops before the voucher's end
    value_after_topup_cents: int | None
    used_at: datetime | None
    used_shop: str | None


def _serial_asked(text: str, data: dict[str, CampaignInfo]) -> tuple[str, str | None]:
    """(serial to look up, campaign it must belong to). A code that cannot name a voucher looks up NO_SERIAL,
    so it costs the same query as an unknown one."""
    try:
        code = parse_code(text)
    except CodeError:
        return NO_SERIAL, None
    if isinstance(code, SignedCode):
        info = data.get(code.campaign_id)
        if info is None or not verify_signed(code, info.core.public_keys):
            return NO_SERIAL, None
        return code.serial, code.campaign_id
    if len(code.serial) != SERIAL_DIGITS:
        # A 12-digit serial printed before random serials is a sequence number: a guesser could walk it.
        # Those vouchers open their page by their signed QR only.
        return NO_SERIAL, None
    return code.serial, None


async def holder_view(store: Store, data: dict[str, CampaignInfo], text: str, now: datetime) -> HolderView | None:
    """The page of the voucher ``text`` names (a signed code, a 20-digit serial, either inside a page URL), or
    None for anything else. One read through the tills' store (asyncpg on PostgreSQL): the pages' load then costs
    what a till's lookup costs, not an ORM session's."""
    serial, campaign_id = _serial_asked(text, data)
    v = await store.voucher(serial)
    if v is None or serial == NO_SERIAL:
        return None
    info = data.get(v.campaign_id)
    if info is None or (campaign_id is not None and campaign_id != v.campaign_id):
        return None
    core, today = info.core, business_day(now)
    after = core.value_on(core.valid_until, v.paid_cents)
    drops = core.topup_until is not None and core.topup_until < core.valid_until and after < core.face_value_cents
    used = v.state == VoucherState.REDEEMED
    return HolderView(
        serial_end=v.serial[-4:], campaign_id=v.campaign_id, campaign_name=info.name,
        state=_state(VoucherState(v.state), core.validity(now)), face_value_cents=core.face_value_cents,
        value_today_cents=core.value_on(today, v.paid_cents), valid_from=core.valid_from,
        valid_until=core.valid_until, topup_until=core.topup_until if drops else None,
        value_after_topup_cents=after if drops else None,
        used_at=v.redeemed_at if used else None, used_shop=v.redeemed_by_name if used else None)


def _state(state: VoucherState, validity: Validity) -> HolderState:
    if state is VoucherState.BLOCKED:
        return HolderState.BLOCKED
    if state is VoucherState.REDEEMED:
        return HolderState.USED
    if validity is Validity.EXPIRED:
        return HolderState.EXPIRED
    if state is VoucherState.ISSUED:
        return HolderState.NOT_ACTIVATED
    if validity is Validity.NOT_YET_VALID:
        return HolderState.NOT_YET_VALID
    return HolderState.VALID
