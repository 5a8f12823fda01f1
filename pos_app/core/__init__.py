"""The till's own pure books: the day book fold, closings and the claims carried over between them.

No Qt, no I/O, no network. The rules the central API shares with the till (money, codes, campaigns, verdicts,
claims, the ledger chain) are the ``voucher_core`` package.
"""
