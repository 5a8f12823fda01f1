"""The TEST provider: a local page of ours stands for Stripe's hosted checkout, and its "pay" button makes the
webhook Stripe would send, signed the way Stripe signs (``Stripe-Signature: t=...,v1=HMAC-SHA256``), delivered to
the same webhook URL. No money moves; every page and e-mail of a TEST order says TEST."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from .base import TEST_WEBHOOK_SECRET, Checkout, CheckoutRequest, Mode

TEST_PAGE = "/p/test-paiement/"


def sign(payload: bytes, secret: str, at: int | None = None) -> str:
    """A Stripe-Signature header for ``payload`` (Stripe's scheme: v1 = HMAC-SHA256 of "t.payload")."""
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def session_event(session_id: str, order_token: str, amount_cents: int, *, paid: bool = True,
                  kind: str = "checkout.session.completed", event_id: str | None = None,
                  payment_ref: str | None = None) -> bytes:
    """The JSON body of a Checkout Session event, in Stripe's shape (the fields the sale reads)."""
    obj: dict[str, Any] = {"id": session_id, "object": "checkout.session", "client_reference_id": order_token,
                           "payment_status": "paid" if paid else "unpaid", "amount_total": amount_cents,
                           "currency": "eur", "payment_intent": payment_ref or f"pi_test_{secrets.token_hex(8)}",
                           "livemode": False}
    event = {"id": event_id or f"evt_test_{secrets.token_hex(12)}", "object": "event", "type": kind,
             "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
             "data": {"object": obj}}
    return json.dumps(event, separators=(",", ":")).encode()


class TestProvider:
    """Checkout sessions are ids of ours; the hosted page is TEST_PAGE + id on this server."""

    mode = Mode.TEST
    __test__ = False  # not a pytest class

    def __init__(self, base_url: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = TEST_WEBHOOK_SECRET

    def open_checkout(self, req: CheckoutRequest) -> Checkout:
        sid = f"cs_test_{secrets.token_urlsafe(24)}"
        return Checkout(sid, f"{self.base_url}{TEST_PAGE}{sid}")

    def refund(self, payment_ref: str, amount_cents: int) -> str:
        return f"re_test_{secrets.token_hex(8)}"
