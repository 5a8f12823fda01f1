"""The voucher rules the till and the central API share: money in integer cents, voucher codes, campaigns and the
value of a day, verdicts, offline-claim bounds, the ledger's hash chain. Pure: no Qt, no I/O, no network."""
