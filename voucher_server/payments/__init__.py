"""The payment provider behind the online purchase: one small interface (base.Provider), Stripe Checkout
(stripe_checkout.py) and the TEST stand-in (test_provider.py) whose webhooks are signed exactly as Stripe's."""
