"""Bank details of shops: IBAN (ISO 13616, mod-97 check) and BIC (ISO 9362), checked before a SEPA file uses them."""

from __future__ import annotations

import re
import string

from sqlalchemy.orm import Session

from ..models import Merchant

_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC_RE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
# Lengths of the SEPA countries most likely to appear; other well-formed IBANs are judged by the checksum alone.
_IBAN_LENGTHS = {"FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20, "NL": 18, "CH": 21,
                 "PT": 25, "AT": 20, "IE": 22, "GB": 22}


def normalise_iban(text: str) -> str:
    """Upper case without spaces, as an IBAN is stored and sent."""
    return "".join(text.split()).upper()


def iban_error(text: str) -> str | None:
    """None when ``text`` is a valid IBAN, else why not (a short English reason; the UI words its own)."""
    iban = normalise_iban(text)
    if not _IBAN_RE.match(iban):
        return "malformed"
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return "wrong_length"
    # ISO 13616: move the country and check digits to the end, letters become 10..35, the number mod 97 is 1.
    digits = "".join(str(string.ascii_uppercase.index(ch) + 10) if ch.isalpha() else ch
                     for ch in iban[4:] + iban[:4])
    return None if int(digits) % 97 == 1 else "bad_checksum"


def bic_error(text: str) -> str | None:
    """None when ``text`` is a well-formed BIC (8 or 11 characters), else why not."""
    return None if _BIC_RE.match(text.strip().upper()) else "malformed"


def set_bank_details(session: Session, merchant_id: str, iban: str, bic: str = "") -> Merchant:
    """Store a shop's IBAN (and BIC, optional in SEPA) after checking them; ValueError says which is wrong."""
    merchant = session.get(Merchant, merchant_id)
    if merchant is None:
        raise ValueError(f"no merchant {merchant_id}")
    if (why := iban_error(iban)) is not None:
        raise ValueError(f"IBAN: {why}")
    if bic and (why := bic_error(bic)) is not None:
        raise ValueError(f"BIC: {why}")
    merchant.iban = normalise_iban(iban)
    merchant.bic = bic.strip().upper()
    return merchant
