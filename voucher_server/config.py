"""Server settings, read from the environment (and overridden by the CLI). No secrets in code."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_DB = "sqlite:///voucher_server.sqlite3"
MAX_BODY_BYTES = 16 * 1024


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime settings. Environment variables (all optional):

    VOUCHER_SERVER_DB, VOUCHER_SERVER_SECRET (encrypts campaign private keys),
    VOUCHER_SERVER_VOID_WINDOW (seconds, default 600), VOUCHER_SERVER_RATE (requests/s per token, default 50),
    VOUCHER_SERVER_BURST (bucket size, default 200), VOUCHER_SERVER_THREADS (request threads, default 16).
    VOUCHER_SERVER_PUBLIC_URL (the holders' site, e.g. https://bons.example.fr: printed in each voucher's QR),
    VOUCHER_SERVER_PUBLIC_RATE / VOUCHER_SERVER_PUBLIC_BURST (voucher pages per second / bucket per address).
    """

    db_url: str = DEFAULT_DB
    void_window_seconds: float = 600.0
    rate_per_second: float = 50.0
    rate_burst: float = 200.0
    max_body_bytes: int = MAX_BODY_BYTES
    threads: int = 16
    secret: str | None = field(default=None, repr=False)
    public_url: str | None = None
    public_rate: float = 0.5
    public_burst: float = 30.0

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        """Settings from the environment; ``db_url`` (from the CLI) wins over VOUCHER_SERVER_DB."""
        return cls(
            db_url=db_url or os.environ.get("VOUCHER_SERVER_DB") or DEFAULT_DB,
            void_window_seconds=_float("VOUCHER_SERVER_VOID_WINDOW", 600.0),
            rate_per_second=_float("VOUCHER_SERVER_RATE", 50.0),
            rate_burst=_float("VOUCHER_SERVER_BURST", 200.0),
            secret=os.environ.get("VOUCHER_SERVER_SECRET") or None,
            threads=int(_float("VOUCHER_SERVER_THREADS", 16)),
            public_url=os.environ.get("VOUCHER_SERVER_PUBLIC_URL") or None,
            public_rate=_float("VOUCHER_SERVER_PUBLIC_RATE", 0.5),
            public_burst=_float("VOUCHER_SERVER_PUBLIC_BURST", 30.0),
        )
