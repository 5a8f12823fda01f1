"""Checks of what an operator types: SIRET (Luhn), IBAN (ISO 13616 mod 97), amounts in cents, date ranges.

Each check raises :class:`FieldError` naming the field and a message key, so the form shows the message next
to that field, in the operator's language.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

# IBAN lengths of the SEPA countries a French scheme's shops bank with (a wrong length is a typo).
IBAN_LENGTHS = {"FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20, "NL": 18, "PT": 25,
                "CH": 21, "AT": 20, "IE": 22, "GB": 22}
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
    """The IBAN in electronic form (upper case, no spaces), checked with mod 97; empty stays empty."""
    iban = re.sub(r"[\s-]", "", raw).upper()
    if not iban:
        return ""
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        raise FieldError(field, "err_iban_format")
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise FieldError(field, "err_iban_length", country=iban[:2], length=expected)
    if iban_remainder(iban) != 1:
        raise FieldError(field, "err_iban_check")
    return iban


def iban_remainder(iban: str) -> int:
    """ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97


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
