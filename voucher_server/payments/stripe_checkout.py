"""Stripe Checkout through the ``stripe`` SDK: a hosted payment page per order, a refund by payment intent.

Every call has a total deadline (PaySettings.deadline_s): the SDK's own retries are off and the HTTP client's
timeout is the deadline, so a call never blocks a request thread longer than that."""

from __future__ import annotations

import stripe

from .base import Checkout, CheckoutRequest, Mode, PaySettings


class ProviderDown(RuntimeError):
    """Stripe did not answer in time or refused the call: the buyer is told to try again; nothing was sold."""


class StripeCheckout:
    mode = Mode.STRIPE

    def __init__(self, settings: PaySettings) -> None:
        self.client = stripe.StripeClient(
            settings.stripe_secret_key, max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.deadline_s))

    def open_checkout(self, req: CheckoutRequest) -> Checkout:
        try:
            s = self.client.v1.checkout.sessions.create({  # type: ignore[arg-type]
                "mode": "payment", "customer_email": req.email, "client_reference_id": req.order_token,
                "success_url": req.success_url, "cancel_url": req.cancel_url, "locale": "fr",
                "payment_method_types": ["card"],
                "line_items": [{"quantity": req.quantity, "price_data": {
                    "currency": "eur", "unit_amount": req.unit_price_cents,
                    "product_data": {"name": req.campaign_name}}}],
            })
        except stripe.StripeError as exc:
            raise ProviderDown(str(exc)) from None
        if not s.url:
            raise ProviderDown("Stripe gave no checkout URL")
        return Checkout(s.id, s.url)

    def refund(self, payment_ref: str, amount_cents: int) -> str:
        try:
            r = self.client.v1.refunds.create({"payment_intent": payment_ref, "amount": amount_cents})
        except stripe.StripeError as exc:
            raise ProviderDown(str(exc)) from None
        return str(r.id)
