"""The provider interface the online sale needs, its settings, and the one check every webhook goes through."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import stripe

# Stripe's own default: a signed webhook older than this is a replay and is refused.
WEBHOOK_TOLERANCE_S = 300
TEST_WEBHOOK_SECRET = "whsec_TEST_local_only_not_a_secret"  # the TEST adapter's: it never sees real money


class Mode(StrEnum):
    OFF = "off"  # no provider configured: the purchase pages say so
    STRIPE = "stripe"
    TEST = "test"


class SetupError(RuntimeError):
    """The payment settings cannot be used (missing key, TEST mode not asked for)."""


@dataclass(frozen=True, slots=True)
class PaySettings:
    """VOUCHER_SERVER_PAYMENTS (stripe | test | off; default: stripe when its keys are set, else off),
    VOUCHER_SERVER_STRIPE_SECRET_KEY, VOUCHER_SERVER_STRIPE_WEBHOOK_SECRET, VOUCHER_SERVER_STRIPE_DEADLINE
    (seconds for one Stripe call, all retries included; default 15)."""

    mode: Mode
    stripe_secret_key: str = ""
    webhook_secret: str = ""
    deadline_s: float = 15.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> PaySettings:
        e = dict(os.environ) if env is None else env
        key = e.get("VOUCHER_SERVER_STRIPE_SECRET_KEY", "")
        hook = e.get("VOUCHER_SERVER_STRIPE_WEBHOOK_SECRET", "")
        asked = e.get("VOUCHER_SERVER_PAYMENTS", "").strip().lower()
        if asked not in ("", *Mode):
            raise SetupError(f"VOUCHER_SERVER_PAYMENTS: stripe, test or off, not {asked!r}")
        mode = Mode(asked) if asked else (Mode.STRIPE if key else Mode.OFF)
        deadline = float(e.get("VOUCHER_SERVER_STRIPE_DEADLINE", "15") or 15)
        if mode is Mode.STRIPE and not (key and hook):
            raise SetupError("Stripe needs VOUCHER_SERVER_STRIPE_SECRET_KEY and VOUCHER_SERVER_STRIPE_WEBHOOK_SECRET")
        if mode is Mode.TEST:
            hook = TEST_WEBHOOK_SECRET
        return cls(mode, key, hook, deadline)


@dataclass(frozen=True, slots=True)
class Checkout:
    """What the buyer is sent to: the provider's hosted page, and the provider's id for it."""

    session_id: str
    url: str


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    order_token: str  # our reference, sent back in the webhook (client_reference_id)
    campaign_name: str
    quantity: int
    unit_price_cents: int
    email: str
    success_url: str
    cancel_url: str


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """A webhook event whose signature was checked: the only thing that may activate vouchers."""

    event_id: str
    kind: str  # checkout.session.completed, checkout.session.expired, ...
    session_id: str
    order_token: str
    paid: bool  # payment_status == "paid"
    amount_cents: int
    currency: str
    payment_ref: str


class Provider(Protocol):
    mode: Mode

    def open_checkout(self, req: CheckoutRequest) -> Checkout: ...

    def refund(self, payment_ref: str, amount_cents: int) -> str: ...


class BadSignature(ValueError):
    """A webhook that is not signed with our secret, or signed too long ago (a replay)."""


def verify_event(payload: bytes, sig_header: str | None, secret: str,
                 tolerance_s: int = WEBHOOK_TOLERANCE_S) -> PaymentEvent | None:
    """The event in ``payload`` if Stripe-Signature checks (HMAC-SHA256 of "t.payload", t within the tolerance),
    for Stripe and TEST alike; None for an event kind the sale does not use. Raises BadSignature."""
    try:
        event = stripe.Webhook.construct_event(payload, sig_header, secret, tolerance=tolerance_s)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature(str(exc)) from None
    # The SDK's objects are not dicts: read the very bytes whose signature was just checked.
    data: dict[str, Any] = json.loads(payload)
    kind = str(event["type"])
    if not kind.startswith("checkout.session."):
        return None
    obj: dict[str, Any] = data["data"]["object"]
    return PaymentEvent(
        event_id=str(data["id"]), kind=kind, session_id=str(obj.get("id") or ""),
        order_token=str(obj.get("client_reference_id") or ""), paid=obj.get("payment_status") == "paid",
        amount_cents=int(obj.get("amount_total") or 0), currency=str(obj.get("currency") or ""),
        payment_ref=str(obj.get("payment_intent") or ""))
