"""Request bodies of /api/v1 (pydantic): validated before any rule runs."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

IDEM_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")


class RedeemBody(BaseModel):
    idempotency_key: str = Field(pattern=IDEM_RE.pattern)
    client_time: str | None = Field(default=None, max_length=40)
    offline: bool = False


class VoidBody(BaseModel):
    idempotency_key: str = Field(pattern=IDEM_RE.pattern)


class ActivateBody(BaseModel):
    idempotency_key: str = Field(pattern=IDEM_RE.pattern)
    sale_price_cents: int = Field(ge=0, le=10_000_000)
    client_time: str | None = Field(default=None, max_length=40)
    offline: bool = False


class LedgerHeadBody(BaseModel):
    seq: int = Field(ge=0, le=2**62)
    hash: str = Field(pattern=HASH_RE.pattern)
