"""The audit trail: every change made from the console (and operator accounts set from the CLI), with who, when,
and the values before and after. Written in the same transaction as the change it describes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voucher_core.timeutil import utc_now

from .models import AuditEvent


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    LOCKED_OUT = "locked_out"
    OPERATOR_SET = "operator_set"
    CAMPAIGN_CREATE = "campaign_create"
    CAMPAIGN_EDIT = "campaign_edit"
    CAMPAIGN_EXTEND = "campaign_extend"
    CAMPAIGN_MEMBER_ADD = "campaign_member_add"
    CAMPAIGN_MEMBER_REMOVE = "campaign_member_remove"
    MERCHANT_CREATE = "merchant_create"
    MERCHANT_EDIT = "merchant_edit"
    TERMINAL_CREATE = "terminal_create"
    TERMINAL_ENABLE = "terminal_enable"
    TERMINAL_DISABLE = "terminal_disable"
    TERMINAL_LEDGER_RESET = "terminal_ledger_reset"
    VOUCHERS_ISSUE = "vouchers_issue"
    VOUCHER_BLOCK = "voucher_block"
    VOUCHER_UNBLOCK = "voucher_unblock"
    STATEMENT_PAID = "statement_paid"
    REMITTANCE_RECEIVED = "remittance_received"
    FUNDER_ADD = "funder_add"
    FUNDER_LINK = "funder_link"
    ORDER_PLACE = "order_place"
    ORDER_PAID = "order_paid"
    COMMISSION_SET = "commission_set"
    INVOICES_ISSUE = "invoices_issue"
    CREDIT_NOTE = "credit_note"
    CHART_SET = "chart_set"
    ONLINE_LIMITS = "online_limits"
    PROVIDER_PAYOUT = "provider_payout"
    ONLINE_REFUND = "online_refund"


def as_text(values: Mapping[str, Any] | str | None) -> str:
    """Values for the before/after columns: a mapping as sorted JSON, text as is."""
    if values is None:
        return ""
    if isinstance(values, str):
        return values
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the values that differ, for a readable trail."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(session: Session, operator_id: int | None, operator_email: str, action: AuditAction, target: str,
           before: Mapping[str, Any] | str | None, after: Mapping[str, Any] | str | None) -> None:
    session.add(AuditEvent(at=utc_now(), operator_id=operator_id, operator_email=operator_email,
                           action=action.value, target=target[:100], before=as_text(before),
                           after=as_text(after)))


def recent(session: Session, limit: int = 200, target: str | None = None) -> Sequence[AuditEvent]:
    """The latest events first; ``target`` narrows to one object (e.g. ``campaign:BOOST24``)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if target:
        query = query.where(AuditEvent.target == target)
    return session.scalars(query).all()
