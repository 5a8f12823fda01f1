"""One SEPA credit transfer file (ISO 20022 pain.001.001.03) paying every shop due for a period.

Amounts come from ``settlement.shop_reimbursement``; shops without a valid IBAN, already paid, or owed nothing
are left out and listed with the reason, so the operator sees who still needs bank details.
"""

from __future__ import annotations

import hashlib
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from voucher_core.timeutil import PARIS, business_day

from ..models_money import PaymentMethod
from .bank import bic_error, iban_error
from .operator import operator_identity
from .periods import Period
from .settlement import ShopDue, StatementPaid, mark_statement_paid, period_unpaid, shops_due

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
# The EPC's SEPA character set: plain Latin letters, digits and a little punctuation.
_SEPA_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")


class Skip(StrEnum):
    """Why a shop is not in the SEPA file."""

    NOTHING_DUE = "nothing_due"
    ALREADY_PAID = "already_paid"
    NO_IBAN = "no_iban"
    BAD_IBAN = "bad_iban"


@dataclass(frozen=True, slots=True)
class Debtor:
    """The operator's account the transfers leave from."""

    name: str
    iban: str
    bic: str = ""

    def check(self) -> None:
        if not self.name.strip():
            raise ValueError("debtor name missing")
        if iban_error(self.iban) is not None:
            raise ValueError("debtor IBAN invalid")
        if self.bic and bic_error(self.bic) is not None:
            raise ValueError("debtor BIC invalid")


def debtor_from_env() -> Debtor:
    """The operator's account (``services.operator.operator_identity``: name, IBAN, BIC; blank when unset)."""
    me = operator_identity()
    return Debtor(me.name, me.iban, me.bic)


@dataclass(frozen=True, slots=True)
class SepaExport:
    """The file and what went into it."""

    message_id: str
    xml: bytes
    included: list[ShopDue]
    skipped: list[tuple[ShopDue, Skip]]

    @property
    def control_sum_cents(self) -> int:
        return sum(d.amount_cents for d in self.included)

    def as_json(self) -> dict[str, Any]:
        return {"message_id": self.message_id, "count": len(self.included),
                "control_sum_cents": self.control_sum_cents,
                "included": [{"merchant_id": d.merchant_id, "name": d.name, "amount_cents": d.amount_cents,
                              "end_to_end_id": end_to_end_id(d)} for d in self.included],
                "skipped": [{"merchant_id": d.merchant_id, "name": d.name, "amount_cents": d.amount_cents,
                             "reason": why.value} for d, why in self.skipped]}


def sepa_text(text: str, limit: int = 70) -> str:
    """``text`` in the SEPA character set (accents dropped, others replaced by spaces), cut to ``limit``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch if ch in _SEPA_CHARS else " " for ch in plain).strip()[:limit] or "-"


def end_to_end_id(due: ShopDue) -> str:
    """The transfer's reference the shop sees on its statement: shop and period (35 characters at most)."""
    return f"{due.merchant_id}-{due.period.start:%Y%m%d}-{due.period.end:%Y%m%d}"[:35]


def _why_not(session: Session, due: ShopDue) -> Skip | None:
    if due.amount_cents <= 0:
        return Skip.NOTHING_DUE
    if due.paid is not None or not period_unpaid(session, due.merchant_id, due.period):
        return Skip.ALREADY_PAID
    if not due.iban:
        return Skip.NO_IBAN
    if iban_error(due.iban) is not None:
        return Skip.BAD_IBAN
    return None


def sepa_credit_transfer(session: Session, period: Period, debtor: Debtor, now: datetime,
                         execution_date: date | None = None) -> SepaExport:
    """The pain.001.001.03 file paying every shop due for ``period`` (nothing is marked paid here)."""
    debtor.check()
    included: list[ShopDue] = []
    skipped: list[tuple[ShopDue, Skip]] = []
    for due in shops_due(session, period):
        why = _why_not(session, due)
        if why is None:
            included.append(due)
        else:
            skipped.append((due, why))
    if not included:
        raise ValueError("no shop is due for this period")
    seed = f"{period.start}{period.end}{now.isoformat()}{[d.merchant_id for d in included]}"
    message_id = f"VS-{now.astimezone(PARIS):%Y%m%d%H%M%S}-{hashlib.sha256(seed.encode()).hexdigest()[:8]}"
    xml = pain001(debtor, included, message_id, now, execution_date or business_day(now))
    return SepaExport(message_id, xml, included, skipped)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _agent(parent: ET.Element, tag: str, bic: str) -> None:
    fin = _sub(_sub(parent, tag), "FinInstnId")
    if bic:
        _sub(fin, "BIC", bic)
    else:
        _sub(_sub(fin, "Othr"), "Id", "NOTPROVIDED")  # SEPA: the BIC may be left out inside the EEA


def _transfer(parent: ET.Element, due: ShopDue) -> None:
    tx = _sub(parent, "CdtTrfTxInf")
    _sub(_sub(tx, "PmtId"), "EndToEndId", end_to_end_id(due))
    _sub(_sub(tx, "Amt"), "InstdAmt", _euros(due.amount_cents), Ccy="EUR")
    if due.bic:
        _sub(_sub(_sub(tx, "CdtrAgt"), "FinInstnId"), "BIC", due.bic)
    _sub(_sub(tx, "Cdtr"), "Nm", sepa_text(due.name))
    _sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "IBAN", due.iban)
    label = f"Bons d'achat du {due.period.start:%d/%m/%Y} au {due.period.end:%d/%m/%Y}"
    _sub(_sub(tx, "RmtInf"), "Ustrd", sepa_text(label, 140))


def pain001(debtor: Debtor, dues: list[ShopDue], message_id: str, now: datetime, execution_date: date) -> bytes:
    """The XML document, elements in the order the schema requires."""
    total = _euros(sum(d.amount_cents for d in dues))
    root = ET.Element("Document", {"xmlns": NS})
    init = _sub(root, "CstmrCdtTrfInitn")
    hdr = _sub(init, "GrpHdr")
    _sub(hdr, "MsgId", message_id)
    _sub(hdr, "CreDtTm", now.astimezone(PARIS).replace(microsecond=0, tzinfo=None).isoformat())
    _sub(hdr, "NbOfTxs", str(len(dues)))
    _sub(hdr, "CtrlSum", total)
    _sub(_sub(hdr, "InitgPty"), "Nm", sepa_text(debtor.name))
    pmt = _sub(init, "PmtInf")
    _sub(pmt, "PmtInfId", message_id)
    _sub(pmt, "PmtMtd", "TRF")
    _sub(pmt, "BtchBookg", "true")
    _sub(pmt, "NbOfTxs", str(len(dues)))
    _sub(pmt, "CtrlSum", total)
    _sub(_sub(_sub(pmt, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    _sub(pmt, "ReqdExctnDt", execution_date.isoformat())
    _sub(_sub(pmt, "Dbtr"), "Nm", sepa_text(debtor.name))
    _sub(_sub(_sub(pmt, "DbtrAcct"), "Id"), "IBAN", "".join(debtor.iban.split()).upper())
    _agent(pmt, "DbtrAgt", debtor.bic.strip().upper())
    _sub(pmt, "ChrgBr", "SLEV")
    for due in dues:
        _transfer(pmt, due)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))


def mark_export_paid(session: Session, export: SepaExport, by: str, now: datetime) -> list[StatementPaid]:
    """Record every statement of ``export`` as paid by SEPA transfer, referenced by the file's message id."""
    return [mark_statement_paid(session, d.merchant_id, d.period, by, now, PaymentMethod.SEPA, export.message_id)
            for d in export.included]
