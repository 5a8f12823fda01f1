"""Shops, tobacconists and their tills, changed from the console, each change with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from sqlalchemy.orm import Session

from .. import admin
from ..models import Merchant, Terminal
from ..services.ledger_heads import reset_chain
from .audit import AuditAction, changed, record
from .auth import SignedIn
from .validation import FieldError


@dataclass(frozen=True, slots=True)
class MerchantFields:
    name: str
    siret: str
    iban: str
    bic: str
    address: str
    is_merchant: bool
    is_seller: bool

    def check(self) -> None:
        if not (self.is_merchant or self.is_seller):
            raise FieldError("roles", "err_no_role")


def snapshot(m: Merchant) -> dict[str, Any]:
    return {"name": m.name, "siret": m.siret, "iban": m.iban, "bic": m.bic, "address": m.address,
            "is_merchant": m.is_merchant, "is_seller": m.is_seller}


def create(s: Session, who: SignedIn, fields: MerchantFields) -> Merchant:
    fields.check()
    m = admin.add_merchant(s, fields.name, fields.siret, fields.address, merchant=fields.is_merchant,
                           seller=fields.is_seller)
    m.iban, m.bic = fields.iban, fields.bic
    record(s, who.operator_id, who.email, AuditAction.MERCHANT_CREATE, f"merchant:{m.id}", None, snapshot(m))
    return m


def edit(s: Session, who: SignedIn, m: Merchant, fields: MerchantFields) -> None:
    fields.check()
    before = snapshot(m)
    m.name, m.siret, m.iban, m.bic, m.address = fields.name, fields.siret, fields.iban, fields.bic, fields.address
    m.is_merchant, m.is_seller = fields.is_merchant, fields.is_seller
    old, new = changed(before, snapshot(m))
    if new:
        record(s, who.operator_id, who.email, AuditAction.MERCHANT_EDIT, f"merchant:{m.id}", old, new)


def new_terminal(s: Session, who: SignedIn, merchant_id: str, name: str) -> tuple[Terminal, str]:
    """A till and its token: the token is returned once, only its hash is kept (never in the audit trail)."""
    t, token = admin.add_terminal(s, merchant_id, name)
    record(s, who.operator_id, who.email, AuditAction.TERMINAL_CREATE, f"terminal:{t.id}", None,
           {"merchant": merchant_id, "name": name})
    return t, token


def record_enabled(s: Session, who: SignedIn, terminal_id: int, enabled: bool) -> None:
    """The audit event of a till disabled or re-enabled (services.terminals.set_terminal_enabled did it)."""
    action = AuditAction.TERMINAL_ENABLE if enabled else AuditAction.TERMINAL_DISABLE
    record(s, who.operator_id, who.email, action, f"terminal:{terminal_id}", {"enabled": not enabled},
           {"enabled": enabled})


def reset_ledger(s: Session, who: SignedIn, t: Terminal) -> None:
    """The console's reset-till-ledger: the same service as the CLI, with the alarm it clears in the trail."""
    before = {"alarm": t.ledger_alarm, "alarm_seq": t.ledger_alarm_seq, "head_seq": t.ledger_head_seq}
    reset_chain(s, t.id)
    record(s, who.operator_id, who.email, AuditAction.TERMINAL_LEDGER_RESET, f"terminal:{t.id}", before,
           {"alarm": None, "alarm_seq": None, "head_seq": 0})


def token_qr_svg(token: str) -> str:
    """The token as a QR code (inline SVG): a USB scanner at the till's first run types it into the token field."""
    return str(segno.make(token, error="m", micro=False).svg_inline(scale=5, dark="#000", light="#fff"))
