"""The operator's own identity: the one place every document, invoice and transfer file reads it from.

Read from the environment (``VOUCHER_SERVER_OPERATOR_NAME``, ``_ADDRESS``, ``_SIRET``, ``_VAT``, ``_IBAN``,
``_BIC``, and the structured address ``_STREET``, ``_BUILDING``, ``_POSTCODE``, ``_TOWN``, ``_COUNTRY`` that
the SEPA pain.001.001.09 file needs) by :func:`operator_identity`, so the SEPA debtor, the PDFs' header and the
commission invoices' issuer never disagree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

PREFIX = "VOUCHER_SERVER_OPERATOR_"


@dataclass(frozen=True, slots=True)
class OperatorIdentity:
    name: str
    address: str
    siret: str
    vat_number: str  # intracommunity VAT number (FRxx + SIREN)
    iban: str
    bic: str
    street: str = ""
    building: str = ""
    postcode: str = ""
    town: str = ""
    country: str = ""

    def missing_for_invoices(self) -> list[str]:
        """What a French invoice needs of its issuer and is blank (name, address, SIRET, VAT number)."""
        return [k for k in ("name", "address", "siret", "vat_number") if not getattr(self, k).strip()]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "address": self.address, "siret": self.siret, "vat_number": self.vat_number,
                "iban": self.iban, "bic": self.bic, "street": self.street, "building": self.building,
                "postcode": self.postcode, "town": self.town, "country": self.country}


def operator_identity() -> OperatorIdentity:
    """The operator's identity from the environment (blank where unset)."""
    env = os.environ.get
    return OperatorIdentity(env(PREFIX + "NAME", ""), env(PREFIX + "ADDRESS", ""), env(PREFIX + "SIRET", ""),
                            env(PREFIX + "VAT", ""), env(PREFIX + "IBAN", ""), env(PREFIX + "BIC", ""),
                            env(PREFIX + "STREET", ""), env(PREFIX + "BUILDING", ""), env(PREFIX + "POSTCODE", ""),
                            env(PREFIX + "TOWN", ""), env(PREFIX + "COUNTRY", ""))
