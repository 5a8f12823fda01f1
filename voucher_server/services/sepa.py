"""One SEPA credit transfer file (ISO 20022 pain.001.001.09, or .03 on request) paying every shop due.

pain.001.001.09 carries structured postal addresses (StrtNm, BldgNb, PstCd, TwnNm, Ctry) for the operator
(debtor) and every shop (creditor): a file is refused, naming who lacks one, before anything is written.

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
from .postal import postal_address
from .settlement import ShopDue, StatementPaid, mark_statement_paid, period_unpaid, shops_due

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
NS_09 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
PAINS = {"09": NS_09, "03": NS}  # the version asked for (``--pain``) -> its namespace
# The EPC's SEPA character set: plain Latin letters, digits and a little punctuation.
_SEPA_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")


class Skip(StrEnum):
    """Why a shop is not in the SEPA file."""

    NOTHING_DUE = "nothing_due"
    ALREADY_PAID = "already_paid"
    NO_IBAN = "no_iban"
    BAD_IBAN = "bad_iban"


@dataclass(frozen=True, slots=True)
class Address:
    """A structured postal address as the transfer file carries it (ISO 20022 PstlAdr)."""

    street_name: str
    building_number: str
    post_code: str
    town_name: str
    country: str = "FR"

    @property
    def complete(self) -> bool:
        return bool(self.street_name.strip() and self.post_code.strip() and self.town_name.strip()
                    and len(self.country.strip()) == 2)


@dataclass(frozen=True, slots=True)
class Debtor:
    """The operator's account the transfers leave from."""

    name: str
    iban: str
    bic: str = ""
    address: Address | None = None

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
    address = Address(me.street, me.building, me.postcode, me.town, me.country or "FR")
    return Debtor(me.name, me.iban, me.bic, address if address.complete else None)


class MissingAddress(ValueError):
    """pain.001.001.09 needs structured addresses that the operator or some shops do not have yet."""

    def __init__(self, operator: bool, shops: list[ShopDue]) -> None:
        who = [f"{d.merchant_id} {d.name}" for d in shops]
        fr = (["l'opérateur (VOUCHER_SERVER_OPERATOR_STREET/_BUILDING/_POSTCODE/_TOWN/_COUNTRY)"] if operator
              else []) + who
        en = (["the operator (VOUCHER_SERVER_OPERATOR_STREET/_BUILDING/_POSTCODE/_TOWN/_COUNTRY)"] if operator
              else []) + who
        super().__init__(f"adresse postale structurée manquante (pain.001.001.09) : {', '.join(fr)} ; "
                         f"saisir avec « voucher-server shop-address » ou la fiche du commerce / "
                         f"structured postal address missing (pain.001.001.09): {', '.join(en)}; "
                         f"enter it with 'voucher-server shop-address' or the shop's form")
        self.operator = operator
        self.shops = [d.merchant_id for d in shops]


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


def _shop_address(session: Session, merchant_id: str) -> Address | None:
    row = postal_address(session, merchant_id)
    if row is None:
        return None
    return Address(row.street_name, row.building_number, row.post_code, row.town_name, row.country)


def sepa_credit_transfer(session: Session, period: Period, debtor: Debtor, now: datetime,
                         execution_date: date | None = None, pain: str = "09") -> SepaExport:
    """The pain.001 file (``pain`` "09" or "03") paying every shop due for ``period`` (nothing is marked paid).

    In .09 every address must be structured (``MissingAddress`` otherwise); in .03 they go in when known.
    """
    if pain not in PAINS:
        raise ValueError(f"version pain inconnue / unknown pain version: {pain} (09, 03)")
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
        raise ValueError("aucun commerce à payer sur cette période / no shop is due for this period")
    addresses = {d.merchant_id: _shop_address(session, d.merchant_id) for d in included}
    if pain == "09":
        lacking = [d for d in included if addresses[d.merchant_id] is None]
        if debtor.address is None or lacking:
            raise MissingAddress(debtor.address is None, lacking)
    seed = f"{period.start}{period.end}{now.isoformat()}{[d.merchant_id for d in included]}"
    message_id = f"VS-{now.astimezone(PARIS):%Y%m%d%H%M%S}-{hashlib.sha256(seed.encode()).hexdigest()[:8]}"
    xml = pain001(debtor, included, message_id, now, execution_date or business_day(now), pain, addresses)
    return SepaExport(message_id, xml, included, skipped)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _agent(parent: ET.Element, tag: str, bic: str, pain: str) -> None:
    fin = _sub(_sub(parent, tag), "FinInstnId")
    if bic:
        _sub(fin, "BICFI" if pain == "09" else "BIC", bic)
    else:
        _sub(_sub(fin, "Othr"), "Id", "NOTPROVIDED")  # SEPA: the BIC may be left out inside the EEA


def _party(parent: ET.Element, tag: str, name: str, address: Address | None) -> None:
    """Nm then PstlAdr, its parts in the schema's order (the same in .03 and .09)."""
    party = _sub(parent, tag)
    _sub(party, "Nm", sepa_text(name))
    if address is None:
        return
    adr = _sub(party, "PstlAdr")
    _sub(adr, "StrtNm", sepa_text(address.street_name, 70))
    if address.building_number.strip():
        _sub(adr, "BldgNb", sepa_text(address.building_number, 16))
    _sub(adr, "PstCd", sepa_text(address.post_code, 16))
    _sub(adr, "TwnNm", sepa_text(address.town_name, 35))
    _sub(adr, "Ctry", address.country.strip().upper())


def _transfer(parent: ET.Element, due: ShopDue, pain: str, address: Address | None) -> None:
    tx = _sub(parent, "CdtTrfTxInf")
    _sub(_sub(tx, "PmtId"), "EndToEndId", end_to_end_id(due))
    _sub(_sub(tx, "Amt"), "InstdAmt", _euros(due.amount_cents), Ccy="EUR")
    if due.bic:
        _sub(_sub(_sub(tx, "CdtrAgt"), "FinInstnId"), "BICFI" if pain == "09" else "BIC", due.bic)
    _party(tx, "Cdtr", due.name, address)
    _sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "IBAN", due.iban)
    label = f"Bons d'achat du {due.period.start:%d/%m/%Y} au {due.period.end:%d/%m/%Y}"
    _sub(_sub(tx, "RmtInf"), "Ustrd", sepa_text(label, 140))


def pain001(debtor: Debtor, dues: list[ShopDue], message_id: str, now: datetime, execution_date: date,
            pain: str = "09", addresses: dict[str, Address | None] | None = None) -> bytes:
    """The XML document, elements in the order the schema of ``pain`` ("09" or "03") requires."""
    addresses = addresses or {}
    total = _euros(sum(d.amount_cents for d in dues))
    root = ET.Element("Document", {"xmlns": PAINS[pain]})
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
    if pain == "09":  # .09 wraps the date in a choice of date or date-time
        _sub(_sub(pmt, "ReqdExctnDt"), "Dt", execution_date.isoformat())
    else:
        _sub(pmt, "ReqdExctnDt", execution_date.isoformat())
    _party(pmt, "Dbtr", debtor.name, debtor.address)
    _sub(_sub(_sub(pmt, "DbtrAcct"), "Id"), "IBAN", "".join(debtor.iban.split()).upper())
    _agent(pmt, "DbtrAgt", debtor.bic.strip().upper(), pain)
    _sub(pmt, "ChrgBr", "SLEV")
    for due in dues:
        _transfer(pmt, due, pain, addresses.get(due.merchant_id))
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))


def mark_export_paid(session: Session, export: SepaExport, by: str, now: datetime) -> list[StatementPaid]:
    """Record every statement of ``export`` as paid by SEPA transfer, referenced by the file's message id."""
    return [mark_statement_paid(session, d.merchant_id, d.period, by, now, PaymentMethod.SEPA, export.message_id)
            for d in export.included]
