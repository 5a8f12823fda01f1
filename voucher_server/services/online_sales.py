"""Vouchers bought online, the way a tobacconist sells them: the payment provider is a seller (a merchant with
the seller role, e.g. "Paiement en ligne (Stripe)"), linked to the campaigns it sells, and its sales are
``activate`` activities under its id, so statements, remittances, liability, funders and books count them as any
tobacconist's. Vouchers are issued and activated only when the provider's signed webhook confirms the payment
(payments.base.verify_event); the browser's word is never taken.

The provider's settlement (what it collected, paid out, kept as fees) is services.online_settlement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from voucher_core.campaigns import Activity as Kind
from voucher_core.campaigns import Validity, VoucherState
from voucher_core.timeutil import business_day, to_utc_text

from .. import admin
from ..crypto import new_order_token
from ..db import Database, aware
from ..models import Activity, Campaign, CampaignSeller, Merchant, Voucher
from ..models_online import OnlineLimit, OnlineOrder, OnlineOrderVoucher, OrderState, ProviderEvent
from ..payments.base import CheckoutRequest, Mode, Provider, verify_event
from .periods import core_campaign

MAX_QUANTITY = 20  # vouchers in one online order
PENDING_HOLD = timedelta(hours=1)  # an unpaid checkout counts against the buyer's limits this long
PROVIDER_IDS = {Mode.STRIPE: "STRIPE", Mode.TEST: "TESTPAY"}
PROVIDER_NAMES = {Mode.STRIPE: "Paiement en ligne (Stripe)", Mode.TEST: "Paiement en ligne TEST (aucun argent)"}
EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[A-Za-z]{2,}$")


class Refusal(StrEnum):
    """Why an order or a refund is refused; the public and console words say it in French and English."""

    NO_CAMPAIGN = "no_campaign"
    NOT_ONLINE = "not_online"
    ENDED = "ended"
    BAD_EMAIL = "bad_email"
    BAD_QUANTITY = "bad_quantity"
    OVER_BUYER_LIMIT = "over_buyer_limit"
    OVER_DAY_LIMIT = "over_day_limit"
    NOT_PAID = "not_paid"
    ALREADY_USED = "already_used"
    ALREADY_REFUNDED = "already_refunded"
    NO_ORDER = "no_order"


class OrderRefused(ValueError):
    def __init__(self, reason: Refusal, **facts: Any) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.facts = facts


class Outcome(StrEnum):
    """What a verified webhook did (kept with its event id)."""

    ACTIVATED = "activated"
    ALREADY = "already"  # a second event for a session already paid: nothing more
    DUPLICATE = "duplicate"  # this very event again: answered 200, nothing done
    EXPIRED = "expired"
    UNPAID = "unpaid"  # completed but not paid (delayed method): nothing until it is
    MISMATCH = "mismatch"  # signed, but not the order we opened (amount, token): nothing, the operator looks
    IGNORED = "ignored"


# --- the provider as a seller -------------------------------------------------------------------------------------

def ensure_provider(s: Session, mode: Mode) -> str:
    """The provider's merchant id, created on first use as a seller (no shop role)."""
    pid = PROVIDER_IDS[mode]
    if s.get(Merchant, pid) is None:
        admin.add_merchant(s, PROVIDER_NAMES[mode], merchant=False, seller=True, merchant_id=pid)
    return pid


def sell_online(s: Session, campaign_id: str, mode: Mode) -> str:
    """Let the provider sell ``campaign_id`` (it becomes one of the campaign's sellers)."""
    if s.get(Campaign, campaign_id) is None:
        raise OrderRefused(Refusal.NO_CAMPAIGN)
    pid = ensure_provider(s, mode)
    if s.get(CampaignSeller, (campaign_id, pid)) is None:
        s.add(CampaignSeller(campaign_id=campaign_id, merchant_id=pid))
        s.flush()
    return pid


def set_limits(s: Session, campaign_id: str, per_buyer: int | None, per_day: int | None, by: str,
               now: datetime) -> OnlineLimit:
    """The operator's limits: vouchers per buyer (e-mail) for the campaign, and per buyer per Paris day."""
    if s.get(Campaign, campaign_id) is None:
        raise OrderRefused(Refusal.NO_CAMPAIGN)
    for n in (per_buyer, per_day):
        if n is not None and n < 1:
            raise ValueError("a limit is at least 1 (or none)")
    row = s.get(OnlineLimit, campaign_id)
    if row is None:
        row = OnlineLimit(campaign_id=campaign_id, updated_at=now, updated_by=by)
        s.add(row)
    row.per_buyer, row.per_day, row.updated_at, row.updated_by = per_buyer, per_day, now, by
    s.flush()
    return row


@dataclass(frozen=True, slots=True)
class Offer:
    """What the purchase page shows for a campaign."""

    campaign_id: str
    name: str
    face_value_cents: int
    price_cents: int
    topup_cents: int
    valid_until: date
    topup_until: date | None
    per_buyer: int | None
    per_day: int | None
    max_quantity: int


def offer(s: Session, campaign_id: str, mode: Mode, now: datetime) -> Offer:
    camp = s.get(Campaign, campaign_id, options=[undefer(Campaign.topup_until)])
    if camp is None:
        raise OrderRefused(Refusal.NO_CAMPAIGN)
    pid = PROVIDER_IDS[mode] if mode is not Mode.OFF else ""
    if not pid or s.get(CampaignSeller, (campaign_id, pid)) is None:
        raise OrderRefused(Refusal.NOT_ONLINE)
    if core_campaign(camp).validity(now) is Validity.EXPIRED:
        raise OrderRefused(Refusal.ENDED)
    lim = s.get(OnlineLimit, campaign_id)
    return Offer(camp.id, camp.name, camp.face_value_cents, camp.sale_price_cents, camp.topup_cents,
                 camp.valid_until, camp.topup_until, lim.per_buyer if lim else None, lim.per_day if lim else None,
                 MAX_QUANTITY)


def _bought(s: Session, campaign_id: str, email: str, now: datetime, day: date | None) -> int:
    """Vouchers this buyer has paid for, or holds in a checkout opened in the last PENDING_HOLD."""
    q = select(func.coalesce(func.sum(OnlineOrder.quantity), 0)).where(
        OnlineOrder.campaign_id == campaign_id, OnlineOrder.email == email,
        (OnlineOrder.state == OrderState.PAID.value)
        | and_(OnlineOrder.state == OrderState.PENDING.value, OnlineOrder.created_at >= now - PENDING_HOLD))
    if day is not None:
        q = q.where(OnlineOrder.created_day == day)
    return int(s.scalar(q) or 0)


def normal_email(text: str) -> str:
    email = text.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise OrderRefused(Refusal.BAD_EMAIL)
    return email


# --- buying -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Started:
    token: str
    checkout_url: str


def start_order(db: Database, provider: Provider, campaign_id: str, email_text: str, quantity: int,
                base_url: str, now: datetime) -> Started:
    """Open a checkout for ``quantity`` vouchers: the order is pending and nothing is issued until the webhook."""
    email = normal_email(email_text)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OrderRefused(Refusal.BAD_QUANTITY, max=MAX_QUANTITY)
    token = new_order_token()
    with db.writing() as s:
        if s.get_bind().dialect.name == "postgresql":
            # One buyer's checkouts are counted one at a time (SQLite's writers already queue): two opened at
            # once cannot both pass the limit.
            s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"online:{campaign_id}:{email}"})
        o = offer(s, campaign_id, provider.mode, now)
        if o.per_buyer is not None and _bought(s, campaign_id, email, now, None) + quantity > o.per_buyer:
            raise OrderRefused(Refusal.OVER_BUYER_LIMIT, limit=o.per_buyer)
        if o.per_day is not None and _bought(s, campaign_id, email, now, business_day(now)) + quantity > o.per_day:
            raise OrderRefused(Refusal.OVER_DAY_LIMIT, limit=o.per_day)
        row = OnlineOrder(token=token, campaign_id=campaign_id, provider_id=PROVIDER_IDS[provider.mode],
                          email=email, quantity=quantity, unit_price_cents=o.price_cents,
                          amount_cents=o.price_cents * quantity, state=OrderState.PENDING.value,
                          test_mode=provider.mode is Mode.TEST, created_at=now, created_day=business_day(now),
                          payment_ref="")
        s.add(row)
        s.flush()
        name = o.name
        price = o.price_cents
    base = base_url.rstrip("/")
    # Outside the transaction: the provider call may take its whole deadline.
    checkout = provider.open_checkout(CheckoutRequest(
        token, name, quantity, price, email, success_url=f"{base}/p/commande/{token}",
        cancel_url=f"{base}/p/achat/{campaign_id}"))
    with db.writing() as s:
        s.execute(update(OnlineOrder).where(OnlineOrder.token == token).values(session_id=checkout.session_id))
    return Started(token, checkout.url)


def _activate(s: Session, order: OnlineOrder, secret: str, now: datetime) -> list[str]:
    """Issue and sell the order's vouchers under the provider's id, as a tobacconist's sales are recorded."""
    camp = s.get(Campaign, order.campaign_id)
    assert camp is not None
    serials = admin.issue(s, order.campaign_id, order.quantity, secret=secret)
    stamp = admin.change_stamp(s)
    day = business_day(now)
    for i, serial in enumerate(serials):
        act = Activity(kind=Kind.ACTIVATE.value, serial=serial, campaign_id=camp.id, terminal_id=None,
                       merchant_id=order.provider_id, amount_cents=camp.face_value_cents,
                       sale_price_cents=order.unit_price_cents, topup_cents=camp.topup_cents,
                       idempotency_key=f"online-{order.id}-{i}", server_time=now, business_time=now,
                       offline=False, business_day=day)
        s.add(act)
        s.flush()
        s.execute(update(Voucher).where(and_(Voucher.serial == serial, Voucher.state == VoucherState.ISSUED.value))
                  .values(state=VoucherState.ACTIVE.value, sale_id=act.id, sold_at=now,
                          paid_cents=order.unit_price_cents, change_seq=stamp))
        s.add(OnlineOrderVoucher(order_id=order.id, serial=serial))
    s.flush()
    return serials


@dataclass(frozen=True, slots=True)
class Handled:
    outcome: Outcome
    order_token: str | None = None  # set when vouchers were just activated: the e-mail goes out


def accept_webhook(db: Database, payload: bytes, sig_header: str | None, webhook_secret: str, issue_secret: str,
                   now: datetime) -> Handled:
    """Judge one webhook delivery. Raises BadSignature (forged, or too old: a replay). Each event id is acted on
    once; a session is paid once whatever events say so, so a double delivery activates once."""
    event = verify_event(payload, sig_header, webhook_secret)
    if event is None:
        return Handled(Outcome.IGNORED)
    try:
        with db.writing() as s:
            if s.get(ProviderEvent, event.event_id) is not None:
                return Handled(Outcome.DUPLICATE)
            order = s.scalars(select(OnlineOrder).where(OnlineOrder.session_id == event.session_id)).first()
            outcome, token = _judge(s, order, event, issue_secret, now)
            s.add(ProviderEvent(event_id=event.event_id, kind=event.kind, order_id=order.id if order else None,
                                outcome=outcome.value, received_at=now))
            s.flush()
    except IntegrityError:
        # The same event delivered twice at once: the other delivery's transaction won and did the work.
        return Handled(Outcome.DUPLICATE)
    return Handled(outcome, token)


def _judge(s: Session, order: OnlineOrder | None, event: Any, issue_secret: str,
           now: datetime) -> tuple[Outcome, str | None]:
    if order is None or order.token != event.order_token:
        return Outcome.MISMATCH, None
    if event.kind == "checkout.session.expired":
        s.execute(update(OnlineOrder).where(and_(OnlineOrder.id == order.id,
                                                 OnlineOrder.state == OrderState.PENDING.value))
                  .values(state=OrderState.EXPIRED.value))
        return Outcome.EXPIRED, None
    if event.kind not in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        return Outcome.IGNORED, None
    if not event.paid:
        return Outcome.UNPAID, None
    if event.amount_cents != order.amount_cents or event.currency.lower() != "eur":
        return Outcome.MISMATCH, None
    won = s.execute(update(OnlineOrder).where(and_(OnlineOrder.id == order.id,
                                                   OnlineOrder.state == OrderState.PENDING.value))
                    .values(state=OrderState.PAID.value, paid_at=now, paid_day=business_day(now),
                            payment_ref=event.payment_ref[:255]))
    if getattr(won, "rowcount", 0) != 1:
        return Outcome.ALREADY, None
    _activate(s, order, issue_secret, now)
    return Outcome.ACTIVATED, order.token


# --- the buyer's order ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BoughtVoucher:
    serial: str
    code: str
    state: str


@dataclass(frozen=True, slots=True)
class OrderView:
    token: str
    campaign_id: str
    campaign_name: str
    email: str
    quantity: int
    unit_price_cents: int
    amount_cents: int
    face_value_cents: int
    valid_until: date
    state: OrderState
    test_mode: bool
    created_at: datetime
    paid_at: datetime | None
    vouchers: list[BoughtVoucher]

    def as_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "quantity": self.quantity, "amount_cents": self.amount_cents,
                "state": self.state.value, "test_mode": self.test_mode,
                "paid_at": to_utc_text(self.paid_at) if self.paid_at else None,
                "vouchers": [{"serial": v.serial, "code": v.code, "state": v.state} for v in self.vouchers]}


def order_view(s: Session, token: str) -> OrderView | None:
    """The order behind an e-mail link (None for any token that is not one: no hint of how close it was)."""
    if not token or len(token) > 64:
        return None
    o = s.scalars(select(OnlineOrder).where(OnlineOrder.token == token)).first()
    if o is None:
        return None
    camp = s.get(Campaign, o.campaign_id)
    assert camp is not None
    rows = s.execute(select(Voucher.serial, Voucher.code, Voucher.state).join(
        OnlineOrderVoucher, OnlineOrderVoucher.serial == Voucher.serial)
        .where(OnlineOrderVoucher.order_id == o.id).order_by(Voucher.serial)).all()
    return OrderView(o.token, o.campaign_id, camp.name, o.email, o.quantity, o.unit_price_cents, o.amount_cents,
                     camp.face_value_cents, camp.valid_until, OrderState(o.state), o.test_mode,
                     aware(o.created_at) or o.created_at, aware(o.paid_at),
                     [BoughtVoucher(r.serial, r.code, r.state) for r in rows])


def order_vouchers(s: Session, token: str) -> tuple[Campaign, list[Voucher]] | None:
    """The campaign and voucher rows of a paid order (for its PDF), or None."""
    o = s.scalars(select(OnlineOrder).where(OnlineOrder.token == token)).first()
    if o is None or o.state != OrderState.PAID.value:
        return None
    camp = s.get(Campaign, o.campaign_id, options=[undefer(Campaign.topup_until)])
    assert camp is not None
    vs = list(s.scalars(select(Voucher).options(undefer(Voucher.paid_cents)).join(
        OnlineOrderVoucher, OnlineOrderVoucher.serial == Voucher.serial)
        .where(OnlineOrderVoucher.order_id == o.id).order_by(Voucher.serial)).all())
    return camp, vs


def mark_mailed(db: Database, token: str, now: datetime) -> None:
    with db.writing() as s:
        s.execute(update(OnlineOrder).where(OnlineOrder.token == token).values(mailed_at=now))


# --- refunds ------------------------------------------------------------------------------------------------------

def refund_order(db: Database, provider: Provider, token: str, now: datetime) -> str:
    """Refund a paid order whose vouchers are all unused: each sale is voided and its voucher blocked in one
    transaction (no redemption can slip in), then the provider refunds the card. Refused once one was used."""
    with db.writing() as s:
        o = s.scalars(select(OnlineOrder).where(OnlineOrder.token == token).with_for_update()).first()
        if o is None:
            raise OrderRefused(Refusal.NO_ORDER)
        if o.state == OrderState.REFUNDED.value:
            raise OrderRefused(Refusal.ALREADY_REFUNDED)
        if o.state != OrderState.PAID.value:
            raise OrderRefused(Refusal.NOT_PAID)
        serials = list(s.scalars(select(OnlineOrderVoucher.serial).where(OnlineOrderVoucher.order_id == o.id)))
        vs = s.scalars(select(Voucher).where(Voucher.serial.in_(serials)).with_for_update()).all()
        used = [v.serial for v in vs if v.state != VoucherState.ACTIVE.value]
        if used:
            raise OrderRefused(Refusal.ALREADY_USED, serials=used)
        day = business_day(now)
        stamp = admin.change_stamp(s)
        for v in vs:
            sale = s.get(Activity, v.sale_id) if v.sale_id is not None else None
            assert sale is not None
            s.add(Activity(kind=Kind.SALE_VOID.value, serial=v.serial, campaign_id=v.campaign_id, terminal_id=None,
                           merchant_id=o.provider_id, amount_cents=sale.amount_cents,
                           sale_price_cents=sale.sale_price_cents, topup_cents=sale.topup_cents,
                           idempotency_key=f"refund-{o.id}-{v.serial}"[:64], server_time=now, business_time=now,
                           offline=False, ref_id=sale.id, business_day=day))
            s.add(Activity(kind=Kind.BLOCK.value, serial=v.serial, campaign_id=v.campaign_id, server_time=now,
                           business_time=now, offline=False))
            # Blocked as unsold stock: the sale is voided; an unblock would give back an unsold voucher.
            done = s.execute(update(Voucher).where(and_(Voucher.serial == v.serial,
                                                        Voucher.state == VoucherState.ACTIVE.value))
                             .values(state=VoucherState.BLOCKED.value, state_before_block=VoucherState.ISSUED.value,
                                     sale_id=None, sold_at=None, paid_cents=None, change_seq=stamp))
            if getattr(done, "rowcount", 0) != 1:
                raise OrderRefused(Refusal.ALREADY_USED, serials=[v.serial])
        o.state, o.refunded_at = OrderState.REFUNDED.value, now
        payment_ref, amount = o.payment_ref, o.amount_cents
        s.flush()
    # After the commit: if the provider fails now, the vouchers are already dead and the operator retries the
    # card refund from the provider's dashboard (the message says so); money is never refunded for a live voucher.
    return provider.refund(payment_ref, amount)
