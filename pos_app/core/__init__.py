"""Pure domain: money, voucher codes, campaigns, verdicts and ledger hashing.

No Qt, no I/O, no network: the central server imports this package too.
"""
