"""Owner PIN: a salted PBKDF2-SHA256 hash kept in the till's Settings (never the PIN itself).

There is no default PIN: Gestion's first opening asks the owner to choose one (``pin_problem`` says which are
refused), and ``pos-app reset-pin`` on the till's machine forgets it so the next opening asks again. Hashing
takes ~0.1 s on purpose: the UI calls these in a worker, never on the GUI thread."""

from __future__ import annotations

import hashlib
import hmac
import os
from enum import StrEnum
from itertools import pairwise
from typing import Any

from pos_app.store.settings import UiSetting

KEY = UiSetting.OWNER_PIN_HASH
ITERATIONS = 200_000
MIN_DIGITS, MAX_DIGITS = 4, 8
TOO_SIMPLE = {"0000", "1234"}


class PinProblem(StrEnum):
    NOT_DIGITS = "pin_not_digits"  # not 4 to 8 digits
    TOO_SIMPLE = "pin_too_simple"  # 0000, 1234, one digit repeated, or a run like 2345 / 9876
    MISMATCH = "pin_mismatch"  # the confirmation differs


def pin_problem(pin: str, again: str | None = None) -> PinProblem | None:
    """What is wrong with a new PIN (and its confirmation), or None when it may be used."""
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        return PinProblem.NOT_DIGITS
    steps = {int(b) - int(a) for a, b in pairwise(pin)}
    if pin in TOO_SIMPLE or len(set(pin)) == 1 or steps in ({1}, {-1}):
        return PinProblem.TOO_SIMPLE
    if again is not None and again != pin:
        return PinProblem.MISMATCH
    return None


def hash_pin(pin: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
        mine = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(mine.hex(), digest)


def set_pin(settings: Any, pin: str) -> None:
    settings.set(KEY, hash_pin(pin))


def has_pin(settings: Any) -> bool:
    return bool(settings.get(KEY))


def reset_pin(settings: Any) -> bool:
    """Forget the PIN (the next opening of Gestion asks for a new one); True when there was one."""
    had = has_pin(settings)
    settings.set(KEY, None)
    return had


def check_pin(settings: Any, pin: str) -> bool:
    stored = settings.get(KEY)
    return bool(stored) and verify_pin(pin, str(stored))
