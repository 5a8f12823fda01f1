"""Typed codes: a model that checks the serial and its check digits as the cashier types.

Two lengths are valid: 20 digits (today's random numbers) and 12 (vouchers printed before them). Twelve digits
that do not check are the start of a 20-digit number, not an error: the cashier is still typing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from voucher_core.codes import (
    LEGACY_SERIAL_DIGITS,
    SERIAL_DIGITS,
    parse_code,
    serial_problem,
    unscramble_us_on_azerty,
)


class EntryState(Enum):
    EMPTY = "empty"
    INCOMPLETE = "incomplete"  # still typing: no error shown in red yet
    INVALID = "invalid"
    VALID = "valid"


@dataclass(frozen=True)
class EntryStatus:
    state: EntryState
    reason: str = ""   # stable CodeError reason (the UI has the words), "" when valid
    serial: str = ""   # the canonical serial (20 digits, or 12 for an old voucher) when valid
    missing: int = 0   # digits still to type to reach 20 while INCOMPLETE
    missing_legacy: int = 0  # digits still to type to reach 12 (an old voucher), while under 12


class ManualEntry:
    """Holds the typed text; :meth:`set_text` returns its status. Accepts spaces, dots and dashes as
    separators, and the digits of a US-layout keyboard on AZERTY ("&é\"'(-è_çà")."""

    def __init__(self) -> None:
        self.text = ""
        self.status = EntryStatus(EntryState.EMPTY, "empty")

    def set_text(self, text: str) -> EntryStatus:
        """Update the typed text and return what the cashier should see."""
        self.text = text
        self.status = check_typed(text)
        return self.status

    @property
    def valid(self) -> bool:
        return self.status.state is EntryState.VALID


def check_typed(text: str) -> EntryStatus:
    """Status of a typed serial (pure function behind :class:`ManualEntry`)."""
    candidate = text
    if text and not any("0" <= c <= "9" for c in text):
        candidate = unscramble_us_on_azerty(text)  # caps-lock off on AZERTY gives "&é\"'..."
    problem = serial_problem(candidate)
    if problem is None:
        return EntryStatus(EntryState.VALID, "", parse_code(candidate).serial)
    if problem.reason == "empty":
        return EntryStatus(EntryState.EMPTY, problem.reason)
    digits = sum(1 for c in candidate if "0" <= c <= "9")
    if problem.reason == "too_short" or (problem.reason == "bad_check_digit" and digits == LEGACY_SERIAL_DIGITS):
        return EntryStatus(EntryState.INCOMPLETE, "too_short", missing=SERIAL_DIGITS - digits,
                           missing_legacy=max(0, LEGACY_SERIAL_DIGITS - digits))
    return EntryStatus(EntryState.INVALID, problem.reason)


__all__ = ["LEGACY_SERIAL_DIGITS", "SERIAL_DIGITS", "EntryState", "EntryStatus", "ManualEntry", "check_typed"]
