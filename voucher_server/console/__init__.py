"""The operator's web console, served under /console/ by `voucher-server serve` (see docs/console.md)."""
