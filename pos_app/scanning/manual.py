"""Typed codes: a model that checks the serial and its check digits as the cashier types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pos_app.core.codes import LEGACY_SERIAL_DIGITS, SERIAL_DIGITS, parse_code, serial_problem, unscramble_us_on_azerty


class EntryState(Enum):
    EMPTY = "empty"
    INCOMPLETE = "incomplete"  # still typing: no error shown in red yet
    INVALID = "invalid"
    VALID = "valid"


@dataclass(frozen=True)
class EntryStatus:
    state: EntryState
    reason: str = ""   # stable CodeError reason (the UI has the words), "" when valid
    serial: str = ""   # the canonical 12-digit serial when valid
    missing: int = 0   # digits still to type while INCOMPLETE
    missing_legacy: int = 0  # ...for an older 12-digit voucher (0 once past 12 digits)


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
        serial = parse_code(candidate).serial
        return EntryStatus(EntryState.VALID, "", serial)
    if problem.reason == "empty":
        return EntryStatus(EntryState.EMPTY, problem.reason)
    if problem.reason == "too_short":
        digits = sum(1 for c in candidate if "0" <= c <= "9")
        return EntryStatus(EntryState.INCOMPLETE, problem.reason, missing=max(0, SERIAL_DIGITS - digits),
                           missing_legacy=max(0, LEGACY_SERIAL_DIGITS - digits))
    return EntryStatus(EntryState.INVALID, problem.reason)


__all__ = ["SERIAL_DIGITS", "EntryState", "EntryStatus", "ManualEntry", "check_typed"]
