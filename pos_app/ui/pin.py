"""Owner PIN: a salted PBKDF2-SHA256 hash kept in the till's Settings (never the PIN itself)."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

KEY = "owner_pin_hash"
ITERATIONS = 200_000
DEFAULT_PIN = "0000"


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


def ensure_pin(settings: Any, default: str = DEFAULT_PIN) -> bool:
    """Set ``default`` when no PIN exists yet; True when it did (the owner should change it)."""
    if settings.get(KEY):
        return False
    set_pin(settings, default)
    return True


def check_pin(settings: Any, pin: str) -> bool:
    stored = settings.get(KEY)
    return bool(stored) and verify_pin(pin, str(stored))
