"""Money as integer cents in EUR: parse what a cashier types, format as French and English readers expect."""

from __future__ import annotations

import re

NBSP = "\u00a0"  # between amount and the euro sign: never split across lines
NNBSP = "\u202f"  # French thousands separator (narrow no-break space)

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_AMOUNT = re.compile(r"^(?P<units>\d+)(?:[.,](?P<frac>\d{0,2}))?$")
MAX_CENTS = 100_000_000_00  # a hundred million euros: anything above is a typing accident


class MoneyError(ValueError):
    """An amount that cannot be taken as money; ``code`` is stable, the message is French."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_cents(text: str) -> int:
    """Parse an amount typed by a cashier into integer cents.

    Accepts "12", "12,5", "12,50 €", "12.50", "€12.50", "1 234,56". Refuses negatives,
    more than two decimals, empty input and anything that is not an amount.
    """
    if not isinstance(text, str):
        raise MoneyError("not_text", "Le montant doit être du texte.")
    raw = text.strip().replace("€", "").replace("EUR", "").replace("eur", "")
    raw = _SPACES.sub("", raw)
    if not raw:
        raise MoneyError("empty", "Saisissez un montant.")
    if raw.startswith("-") or raw.startswith("\u2212"):
        raise MoneyError("negative", "Un montant ne peut pas être négatif.")
    if raw.startswith("+"):
        raw = raw[1:]
    m = _AMOUNT.match(raw)
    if not m:
        if re.match(r"^\d+[.,]\d{3,}$", raw):
            raise MoneyError("too_precise", "Deux chiffres au plus après la virgule.")
        raise MoneyError("not_an_amount", f"« {text.strip()} » n'est pas un montant.")
    units = int(m.group("units"))
    frac = (m.group("frac") or "").ljust(2, "0")
    cents = units * 100 + int(frac)
    if cents > MAX_CENTS:
        raise MoneyError("too_large", "Montant trop élevé.")
    return cents


def _group(units: int, sep: str) -> str:
    digits = str(units)
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return sep.join(reversed(groups))


def format_cents(cents: int, lang: str = "fr") -> str:
    """Format cents for display: French "1 234,56 €" (default) or English "€1,234.56"."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError("cents must be an int")
    sign = "-" if cents < 0 else ""
    units, frac = divmod(abs(cents), 100)
    if lang == "en":
        return f"{sign}€{_group(units, ',')}.{frac:02d}"
    return f"{sign}{_group(units, NNBSP)},{frac:02d}{NBSP}€"


def format_plain(cents: int) -> str:
    """Decimal-comma figure without currency sign or grouping, as French spreadsheets read it ("1234,56")."""
    sign = "-" if cents < 0 else ""
    units, frac = divmod(abs(cents), 100)
    return f"{sign}{units},{frac:02d}"
