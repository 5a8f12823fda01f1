"""Checks of what an operator types: SIRET (Luhn), IBAN and BIC (the money side's rules), amounts in cents, dates.

Each check raises :class:`FieldError` naming the field and a message key, so the form shows the message next
to that field, in the operator's language.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..services import bank

_IBAN_ERRORS = {"malformed": "err_iban_format", "wrong_length": "err_iban_length", "bad_checksum": "err_iban_check"}
LA_POSTE_SIREN = "356000000"  # its many establishments' SIRETs may pass another rule (digit sum divisible by 5)
MIN_FACE_VALUE_CENTS = 100  # a voucher under 1,00 € is a face value typed in euros ("12" for 12 €)
MAX_CENTS = 10_000_000  # 100 000 € for one voucher is a typing accident


class FieldError(ValueError):
    """A refused value: ``field`` is the form field, ``key`` the message's i18n key, ``params`` fill it in."""

    def __init__(self, field: str, key: str, **params: Any) -> None:
        super().__init__(f"{field}: {key}")
        self.field, self.key, self.params = field, key, params


class FormErrors(ValueError):
    """Several refused fields at once (the form shows each message next to its field)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def clean_siret(field: str, raw: str, required: bool = False) -> str:
    """14 digits passing the Luhn check (spaces allowed in the input); empty when not required."""
    siret = re.sub(r"[\s.]", "", raw)
    if not siret:
        if required:
            raise FieldError(field, "err_required")
        return ""
    if not re.fullmatch(r"[0-9]{14}", siret):
        raise FieldError(field, "err_siret_format")
    la_poste_ok = siret.startswith(LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0
    if not (luhn_ok(siret) or la_poste_ok):
        raise FieldError(field, "err_siret_check")
    return siret


def clean_iban(field: str, raw: str) -> str:
    """The IBAN in electronic form (upper case, no spaces), checked by the money side's rule; empty stays empty."""
    iban = bank.normalise_iban(raw.replace("-", ""))
    if not iban:
        return ""
    why = bank.iban_error(iban)
    if why is not None:
        raise FieldError(field, _IBAN_ERRORS.get(why, "err_iban_format"), country=iban[:2])
    return iban


def clean_bic(field: str, raw: str) -> str:
    bic = raw.strip().upper()
    if bic and bank.bic_error(bic) is not None:
        raise FieldError(field, "err_bic")
    return bic


def clean_cents(field: str, raw: str, minimum: int = 0) -> int:
    """A whole number of cents. Refuses a decimal mark or a euro sign (an amount typed in euros), negatives,
    and a value under ``minimum`` (for a face value: euros typed without decimals)."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        raise FieldError(field, "err_required")
    if text.startswith(("-", "\u2212")):
        raise FieldError(field, "err_negative")
    if re.search(r"[.,€]", text) or text.lower().endswith("eur"):
        raise FieldError(field, "err_cents_not_euros")
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise FieldError(field, "err_cents_format")
    cents = int(text)
    if cents > MAX_CENTS:
        raise FieldError(field, "err_too_large")
    if cents < minimum:
        raise FieldError(field, "err_cents_too_small", cents=cents, euros=cents)
    return cents


def clean_count(field: str, raw: str, maximum: int) -> int:
    text = raw.strip()
    if text.startswith(("-", "\u2212")):
        raise FieldError(field, "err_negative")
    if not re.fullmatch(r"[0-9]{1,7}", text) or int(text) == 0:
        raise FieldError(field, "err_count")
    if int(text) > maximum:
        raise FieldError(field, "err_count_max", maximum=maximum)
    return int(text)


def clean_date(field: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise FieldError(field, "err_date") from None


def clean_text(field: str, raw: str, max_len: int, required: bool = True) -> str:
    text = " ".join(raw.split())
    if required and not text:
        raise FieldError(field, "err_required")
    if len(text) > max_len:
        raise FieldError(field, "err_too_long", maximum=max_len)
    return text


def collect(*checks: Any) -> list[Any]:
    """Run every check (zero-argument callables) and raise all their FieldErrors together."""
    values, errors = [], []
    for check in checks:
        try:
            values.append(check())
        except FieldError as exc:
            errors.append(exc)
            values.append(None)
    if errors:
        raise FormErrors(errors)
    return values
