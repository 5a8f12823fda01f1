"""Till app for local gift-voucher schemes: cashier, shop owner and tobacconist."""

__version__ = "0.1.0"
