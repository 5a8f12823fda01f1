"""Request bodies of /api/v1 (pydantic): validated before any rule runs. Strict types: a till sends JSON
booleans and integers, so ``"offline": "yes"`` or ``"sale_price_cents": "1000"`` is a client bug, not a value."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr

IDEM_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class RedeemBody(BaseModel):
    idempotency_key: StrictStr = Field(pattern=IDEM_RE.pattern)
    client_time: StrictStr | None = Field(default=None, max_length=40)
    offline: StrictBool = False
    business_day: StrictStr | None = Field(default=None, pattern=DAY_PATTERN)  # the till's day; default: the server's


class VoidBody(BaseModel):
    idempotency_key: StrictStr = Field(pattern=IDEM_RE.pattern)
    business_day: StrictStr | None = Field(default=None, pattern=DAY_PATTERN)


class ActivateBody(BaseModel):
    idempotency_key: StrictStr = Field(pattern=IDEM_RE.pattern)
    sale_price_cents: StrictInt = Field(ge=0, le=10_000_000)
    client_time: StrictStr | None = Field(default=None, max_length=40)
    offline: StrictBool = False
    business_day: StrictStr | None = Field(default=None, pattern=DAY_PATTERN)


class ClosingBody(BaseModel):
    """A day the till has closed (its CLOSING ledger entry), and what that closing claims."""

    day: StrictStr = Field(pattern=DAY_PATTERN)
    closed_at: StrictStr = Field(max_length=40)
    seq: StrictInt = Field(ge=1, le=2**62)
    hash: StrictStr = Field(pattern=HASH_RE.pattern)
    reimbursement_cents: StrictInt = Field(ge=-10**12, le=10**12)
    remittance_cents: StrictInt = Field(ge=-10**12, le=10**12)


class LedgerLink(BaseModel):
    """One ledger entry's place in the chain; for a confirmed redemption also the server's id and the amount, so a
    forged one (no such redemption by this till) is caught."""

    seq: StrictInt = Field(ge=1, le=2**62)
    prev_hash: StrictStr = Field(pattern=HASH_RE.pattern)
    hash: StrictStr = Field(pattern=HASH_RE.pattern)
    kind: StrictStr = Field(default="", max_length=40)
    server_id: StrictInt | None = Field(default=None, ge=0, le=2**62)
    amount_cents: StrictInt = Field(default=0, ge=-10**12, le=10**12)


class LedgerHeadBody(BaseModel):
    """The till's head and every link since the head the server acknowledged last (at most 5000 per call)."""

    seq: StrictInt = Field(ge=0, le=2**62)
    hash: StrictStr = Field(pattern=HASH_RE.pattern)
    entries: list[LedgerLink] = Field(default_factory=list, max_length=5000)
    check_only: StrictBool = False  # verify-ledger: judge the links without acknowledging them
    broken_at: StrictInt | None = Field(default=None, ge=0, le=2**62)  # the till found its own chain broken there
