"""Looking a voucher up and redeeming it: the two calls every till makes for every voucher.

They run on the event loop with the store (asyncpg on PostgreSQL): read, judge with the core's rule, write
conditionally. The rules are the core's ``judge``, the same the till applies offline.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import anyio.to_thread

from voucher_core.campaigns import Campaign, VoucherState
from voucher_core.codes import SignedCode, verify_signed
from voucher_core.timeutil import business_day, to_utc_text, utc_now
from voucher_core.verdicts import Verdict, judge

from ..errors import ApiError
from ..schemas import RedeemBody
from ..store import Redemption
from .business_days import agreed_day_async
from .campaigns import CampaignInfo
from .claims import judge_offline_redemption
from .common import Answer, check_signature, dumps, fingerprint, in_scope, parse_client_time, refusal, ts, verdict_for
from .context import Caller, Context
from .idempotency import replay


async def voucher_view(ctx: Context, who: Caller, serial: str, signed: SignedCode | None) -> dict[str, Any]:
    """What GET /vouchers/{code} answers: the voucher, its campaign and the verdict here and now."""
    await ctx.contacts.note(who.terminal_id)
    await ctx.guesses.check(who.terminal_id)
    data = await ctx.campaigns.current()
    found = await ctx.store.lookup(who.terminal_id, None, serial)
    if not found.terminal_enabled:
        raise ApiError(401, "unauthorized")
    v = found.voucher
    check_signature(signed, v, data)
    if v is None or not in_scope(who, v.campaign_id, data):
        await ctx.guesses.unknown(who.terminal_id)
        raise ApiError(404, "unknown")
    info = data[v.campaign_id]
    now = utc_now()
    today = business_day(now)
    c = info.core
    return {"serial": v.serial, "campaign_id": v.campaign_id, "campaign_name": info.name,
            "face_value_cents": c.face_value_cents, "value_cents": c.value_on(today, v.paid_cents),
            "paid_cents": c.sale_price_cents if v.paid_cents is None else v.paid_cents,
            "topup_until": c.topup_until.isoformat() if c.topup_until else None,
            "topup_ended": c.topup_ended(today), "state": v.state,
            "valid_from": info.core.valid_from.isoformat(), "valid_until": info.core.valid_until.isoformat(),
            "verdict": verdict_for(who, v, now, data).value, "redeemed_at": ts(v.redeemed_at),
            "redeemed_by": v.redeemed_by_name}


def only_possible_campaign(who: Caller, signed: SignedCode | None, data: dict[str, CampaignInfo],
                           moment: datetime) -> str | None:
    """The one campaign in which an active voucher would be accepted here at ``moment`` (the core's rule),
    narrowed to the signed code's campaign if it verifies; None when there are none or several."""
    if not who.is_merchant:
        return None
    possible = [cid for cid, info in data.items()
                if judge(VoucherState.ACTIVE, info.core, who.merchant_id, moment) is Verdict.ACCEPTED]
    if signed is not None:
        info = data.get(signed.campaign_id)
        if info is None or signed.campaign_id not in possible or not verify_signed(signed, info.core.public_keys):
            return None
        return signed.campaign_id
    return possible[0] if len(possible) == 1 else None


class _Redeeming:
    """One redemption request: the write (if still good) and the read-and-judge (if not)."""

    def __init__(self, ctx: Context, who: Caller, serial: str, signed: SignedCode | None, body: RedeemBody) -> None:
        self.ctx, self.who, self.serial, self.signed, self.body = ctx, who, serial, signed, body
        self.client_time = parse_client_time(body.client_time)
        self.fp = fingerprint("redeem", serial, body)
        self.business_day: date | None = None  # agreed before the first attempt

    async def write(self, core: Campaign, paid: int | None, now: datetime, client: datetime,
                    moment: datetime) -> str | None:
        """Redeem at the value of the day for a buyer who paid ``paid`` (None: the campaign's price); None when
        the voucher's row disagrees or changed meanwhile."""
        who, body, serial, campaign_id = self.who, self.body, self.serial, core.id
        amount = core.value_on(self.day(moment), paid)

        def render(activity_id: int) -> str:
            return dumps({"redemption_id": activity_id, "serial": serial, "campaign_id": campaign_id,
                          "amount_cents": amount, "redeemed_at": to_utc_text(now),
                          "client_time": to_utc_text(client), "offline": body.offline,
                          "merchant": who.merchant_name})

        return await self.ctx.store.redeem(Redemption(
            serial=serial, campaign_id=campaign_id, terminal_id=who.terminal_id, merchant_id=who.merchant_id,
            amount_cents=amount, idempotency_key=body.idempotency_key, fingerprint=self.fp, client_time=client,
            server_time=now, business_time=moment, offline=body.offline,
            business_day=self.day(moment), paid_cents=core.sale_price_cents if paid is None else paid,
            sale_price_cents=core.sale_price_cents), render)

    def day(self, moment: datetime) -> date:
        """The redemption's business day: the one agreed with the till, else the Paris day of ``moment``."""
        return self.business_day or business_day(moment)

    async def attempt(self, first: bool) -> Answer | None:
        """One try: an answer, or None when a concurrent change means judging again."""
        data = await self.ctx.campaigns.current()
        now = utc_now()
        client = self.client_time or now
        # Offline: judged at the moment of the sale in the shop, but never later than now.
        moment = min(client, now) if self.body.offline else now
        if first and not self.body.offline:
            # Most redemptions are good ones: when a single campaign can accept this voucher here and now, try
            # the conditional write straight away (one round trip). It writes nothing unless the voucher is
            # active in that campaign and the key is new; anything else is read and judged below.
            campaign_id = only_possible_campaign(self.who, self.signed, data, moment)
            if campaign_id is not None:
                # Assumes the campaign's price was paid (a tobacconist's sale); a bulk order's other price is
                # found by the read below.
                sent = await self.write(data[campaign_id].core, None, now, client, moment)
                if sent is not None:
                    return Answer(200, sent)
        found = await self.ctx.store.lookup(self.who.terminal_id, self.body.idempotency_key, self.serial)
        if not found.terminal_enabled:
            raise ApiError(401, "unauthorized")  # disabled since its token was cached: refused, nothing stored
        if found.prior is not None:
            return replay(found.prior, self.fp)
        v = found.voucher
        if v is not None and not in_scope(self.who, v.campaign_id, data):
            v = None  # judged as unknown: nothing about another campaign's voucher leaks
        try:
            check_signature(self.signed, v, data)
            verdict = verdict_for(self.who, v, moment, data)
            if verdict is not Verdict.ACCEPTED:
                raise refusal(verdict, v, v.redeemed_by_name if v else None)
            assert v is not None
            if self.body.offline:  # uploads are rare: judged in a thread against the terminal's row
                core = data[v.campaign_id].core
                day = self.business_day or business_day(moment)
                await anyio.to_thread.run_sync(judge_offline_redemption, self.ctx.db, self.who, self.serial, client,
                                               now, day, core.value_on(day, v.paid_cents), core)
        except ApiError as exc:
            if exc.code == "unknown":
                await self.ctx.guesses.unknown(self.who.terminal_id)
            text = dumps(exc.body())
            saved = await self.ctx.store.save_answer(self.who.terminal_id, self.body.idempotency_key, self.fp,
                                                     exc.status, text, now)
            return Answer(exc.status, text) if saved else None  # not saved: the key was used meanwhile
        assert v is not None
        # The value of the day: face value while the top-up lasts, then what the buyer paid.
        sent = await self.write(data[v.campaign_id].core, v.paid_cents, now, client, moment)
        # None: lost a race (the voucher or the key changed since the read): read and judge again.
        return Answer(200, sent) if sent is not None else None


async def redeem(ctx: Context, who: Caller, serial: str, signed: SignedCode | None, body: RedeemBody) -> Answer:
    """Redeem once per voucher and once per (terminal, idempotency key); refusals are stored and replayed too."""
    if not who.is_merchant:
        raise ApiError(403, "forbidden", "Ce terminal n'accepte pas les bons (vendeur seulement).")
    if not body.offline:
        await ctx.contacts.note(who.terminal_id)
    await ctx.guesses.check(who.terminal_id)
    run = _Redeeming(ctx, who, serial, signed, body)
    now = utc_now()
    client = run.client_time or now
    run.business_day = await agreed_day_async(ctx.db, who, body.business_day,
                                              min(client, now) if body.offline else now, client)
    for attempt in range(3):
        answer = await run.attempt(attempt == 0)
        if answer is not None:
            return answer
    raise RuntimeError("redemption still conflicting after 3 attempts")
