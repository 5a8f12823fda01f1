"""The value of the day in the till's verdicts: a voucher of a campaign whose temporary top-up has ended is worth
what the buyer paid, judged on the business day the till books on (the server books the redemption there)."""

from __future__ import annotations

from datetime import date
from typing import Any

from voucher_core.campaigns import Campaign
from voucher_core.verdicts import Mode, Verdict, VerdictDetail


def server_topup_ended_on(body: dict[str, Any]) -> date | None:
    """The top-up's last day when the server's look-up says it has ended (older servers say nothing: None)."""
    try:
        return date.fromisoformat(body["topup_until"]) if body.get("topup_ended") else None
    except (KeyError, TypeError, ValueError):
        return None


def looked_up_value(body: dict[str, Any], campaign: Campaign | None, day: date) -> tuple[int | None, date | None]:
    """What the voucher of a look-up is worth on ``day`` (the till's open day: after today's closing, the next
    one) and the top-up's end if over; the server's word when the campaign is not in the cache."""
    if campaign is None:
        return body.get("value_cents", body.get("face_value_cents")), server_topup_ended_on(body)
    paid = body.get("paid_cents")  # what this voucher's buyer paid (older servers: None, the campaign's price)
    return campaign.value_on(day, paid if isinstance(paid, int) else None), campaign.topup_ended_on(day)


def accepted_detail(answer: dict[str, Any], serial: str, campaign: Campaign | None, day: date) -> VerdictDetail:
    """The verdict of a redemption the server accepted: its amount (the value of the day) and, once a temporary
    top-up has ended, its last day."""
    return VerdictDetail(Verdict.ACCEPTED, Mode.ONLINE, serial=answer.get("serial", serial),
                         campaign_id=answer.get("campaign_id"), campaign_name=campaign.name if campaign else None,
                         amount_cents=answer.get("amount_cents"),
                         topup_ended_on=campaign.topup_ended_on(day) if campaign else None)
