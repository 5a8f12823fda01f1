"""Stripe Checkout through the ``stripe`` SDK: a hosted payment page per order, a refund by payment intent.

Every call has a total deadline (PaySettings.deadline_s): the SDK's own retries are off, the HTTP client's timeout
is the deadline (for each connect and read), and the call runs in a worker thread the caller waits on for at most
the deadline, so an API that drips its answer byte by byte cannot hold a request longer either."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

import stripe

from .base import Checkout, CheckoutRequest, Mode, PaySettings

T = TypeVar("T")
_CALLS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="stripe")


class ProviderDown(RuntimeError):
    """Stripe did not answer in time or refused the call: the buyer is told to try again; nothing was sold."""


class StripeCheckout:
    mode = Mode.STRIPE

    def __init__(self, settings: PaySettings, api_base: str | None = None) -> None:
        self.deadline_s = settings.deadline_s
        # ``api_base``: another address for Stripe's API (the tests' local stand-in of api.stripe.com).
        self.client = stripe.StripeClient(
            settings.stripe_secret_key, max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.deadline_s),
            base_addresses={"api": api_base} if api_base else None)

    def _within(self, call: Callable[[], T]) -> T:
        future = _CALLS.submit(call)
        try:
            return future.result(timeout=self.deadline_s)
        except FutureTimeout:
            raise ProviderDown(f"Stripe did not answer within {self.deadline_s:g} s") from None

    def open_checkout(self, req: CheckoutRequest) -> Checkout:
        try:
            s = self._within(lambda: self.client.v1.checkout.sessions.create({  # type: ignore[arg-type]
                "mode": "payment", "customer_email": req.email, "client_reference_id": req.order_token,
                "success_url": req.success_url, "cancel_url": req.cancel_url, "locale": "fr",
                "payment_method_types": ["card"],
                "line_items": [{"quantity": req.quantity, "price_data": {
                    "currency": "eur", "unit_amount": req.unit_price_cents,
                    "product_data": {"name": req.campaign_name}}}],
            }))
        except stripe.StripeError as exc:
            raise ProviderDown(str(exc)) from None
        if not s.url:
            raise ProviderDown("Stripe gave no checkout URL")
        return Checkout(s.id, s.url)

    def refund(self, payment_ref: str, amount_cents: int) -> str:
        try:
            r = self._within(lambda: self.client.v1.refunds.create({"payment_intent": payment_ref,
                                                                    "amount": amount_cents}))
        except stripe.StripeError as exc:
            raise ProviderDown(str(exc)) from None
        return str(r.id)
