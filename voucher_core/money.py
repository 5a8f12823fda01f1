"""Money as integer cents in EUR: parse what a cashier types, format as French and English readers expect."""

from __future__ import annotations

import re

NBSP = "\u00a0"  # between amount and the euro sign: never split across lines
NNBSP = "\u202f"  # French thousands separator (narrow no-break space)

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY_HEAD = re.compile(r"^(?:€|eur(?:os?)?)\s*", re.IGNORECASE)
_CURRENCY_TAIL = re.compile(r"\s*(?:€|eur(?:os?)?)$", re.IGNORECASE)
_EURO_AS_COMMA = re.compile(r"(?<=[0-9])\s*€\s*(?=[0-9])")  # "12€50", as French people write 12,50 €
# Units either plain ("1234") or grouped by threes with ONE separator ("1 234", "1'234", "1.234.567",
# "1,234" only before a "." decimal part); then an optional decimal part. ASCII digits only.
_AMOUNT = re.compile(
    r"^(?P<units>[0-9]+|[0-9]{1,3}(?P<group>[ '’.,])[0-9]{3}(?:(?P=group)[0-9]{3})*)"
    r"(?:(?P<dec>[.,])(?P<frac>[0-9]*))?$"
)
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
    shown = text.strip()
    raw = _SPACES.sub(" ", _EURO_AS_COMMA.sub(",", shown))
    raw = _CURRENCY_TAIL.sub("", _CURRENCY_HEAD.sub("", raw)).strip()
    if raw[:1] in ("-", "\u2212"):
        raise MoneyError("negative", "Un montant ne peut pas être négatif.")
    if raw.startswith("+"):
        raw = _CURRENCY_HEAD.sub("", raw[1:].lstrip())
    if not raw:
        raise MoneyError("empty", "Saisissez un montant.")
    m = _AMOUNT.match(raw)
    # A "." or "," can group thousands only when the other one marks the decimals ("1,234.56"):
    # "1,234" alone is 1 euro and 234 thousandths, which is refused below as too precise.
    if not m or (m.group("group") in (".", ",") and m.group("dec") == m.group("group")):
        raise MoneyError("not_an_amount", f"« {shown} » n'est pas un montant.")
    frac = m.group("frac") or ""
    if len(frac) > 2:
        raise MoneyError("too_precise", "Deux chiffres au plus après la virgule.")
    units_text = re.sub(r"[^0-9]", "", m.group("units"))
    if len(units_text.lstrip("0")) > 12:  # before int(): no giant numbers (and no int() digit limit)
        raise MoneyError("too_large", "Montant trop élevé.")
    cents = int(units_text) * 100 + int(frac.ljust(2, "0"))
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
