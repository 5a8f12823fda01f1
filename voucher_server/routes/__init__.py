"""The /api/v1 routes, one module per resource; the rules live in ``voucher_server.services``."""
