"""A shop's structured postal address (ISO 20022 PstlAdr), which the pain.001.001.09 transfer file requires.

One function sets it (console form and ``shop-address`` command alike) and one checks it, so both refuse the
same things with the same words.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from ..models import Merchant
from ..models_books import PostalAddress

# The schema's lengths (Max70Text, Max16Text, Max35Text) and an ISO 3166 alpha-2 country.
LIMITS = {"street_name": 70, "building_number": 16, "post_code": 16, "town_name": 35}
_COUNTRY = re.compile(r"[A-Z]{2}")


def address_errors(street_name: str, building_number: str, post_code: str, town_name: str,
                   country: str) -> dict[str, str]:
    """Field -> what is wrong (French / English); empty when the address can go in a transfer file."""
    errors: dict[str, str] = {}
    values = {"street_name": street_name, "building_number": building_number, "post_code": post_code,
              "town_name": town_name}
    for field, value in values.items():
        if field != "building_number" and not value.strip():
            errors[field] = "obligatoire / required"
        elif len(value.strip()) > LIMITS[field]:
            errors[field] = f"{LIMITS[field]} caractères au plus / {LIMITS[field]} characters at most"
    if not _COUNTRY.fullmatch(country.strip().upper()):
        errors["country"] = "code pays ISO à 2 lettres (FR) / 2-letter ISO country code (FR)"
    return errors


def set_postal_address(session: Session, merchant_id: str, street_name: str, building_number: str,
                       post_code: str, town_name: str, country: str = "FR") -> PostalAddress:
    """Create or replace the shop's structured address; ``ValueError`` naming the fields when it is not valid."""
    if session.get(Merchant, merchant_id) is None:
        raise ValueError(f"commerce inconnu / unknown shop: {merchant_id}")
    errors = address_errors(street_name, building_number, post_code, town_name, country)
    if errors:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in errors.items()))
    row = session.get(PostalAddress, merchant_id) or PostalAddress(merchant_id=merchant_id)
    row.street_name, row.building_number = street_name.strip(), building_number.strip()
    row.post_code, row.town_name, row.country = post_code.strip(), town_name.strip(), country.strip().upper()
    session.add(row)
    session.flush()
    return row


def postal_address(session: Session, merchant_id: str) -> PostalAddress | None:
    """The shop's structured address, or None when it has none that a transfer file can carry."""
    row = session.get(PostalAddress, merchant_id)
    if row is None or address_errors(row.street_name, row.building_number, row.post_code, row.town_name,
                                     row.country):
        return None
    return row
